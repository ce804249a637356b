/** The two libraries the page loads as classic scripts: chart.js (UMD build) and the socket.io client. */
import type { Chart as ChartClass } from 'chart.js';
import type { io as connect } from 'socket.io-client';

declare global {
  const Chart: typeof ChartClass;
  const io: typeof connect;
}
