/** The libraries the page loads as classic scripts: chart.js and cytoscape (UMD builds) and the socket.io client. */
import type { Chart as ChartClass } from 'chart.js';
import type cytoscapeFactory from 'cytoscape';
import type { io as connect } from 'socket.io-client';

declare global {
  const Chart: typeof ChartClass;
  const io: typeof connect;
  const cytoscape: typeof cytoscapeFactory;
}
