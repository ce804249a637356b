/**
 * A tiny DOM builder. Text always goes in as text nodes: strings that came off the wire (link
 * names, addresses, summaries) can never become markup.
 */
export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  title?: string;
  href?: string;
  type?: string;
  value?: string;
  id?: string;
  attrs?: Record<string, string>;
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props) {
    if (props.class) element.className = props.class;
    if (props.title) element.title = props.title;
    if (props.id) element.id = props.id;
    if (props.href !== undefined) element.setAttribute('href', props.href);
    if (props.type !== undefined) element.setAttribute('type', props.type);
    if (props.value !== undefined) (element as HTMLInputElement).value = props.value;
    for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
    for (const [name, listener] of Object.entries(props.on ?? {})) element.addEventListener(name, listener as EventListener);
  }
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  append(element, children);
  return element;
}

export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A table with a header row; an empty body shows `empty` across all columns. */
export function table(headers: string[], rows: Child[][], empty = 'none'): HTMLTableElement {
  const body = rows.length > 0
    ? rows.map((cells) => h('tr', null, ...cells.map((cell) => h('td', null, cell))))
    : [h('tr', null, h('td', { class: 'empty', attrs: { colspan: String(headers.length) } }, empty))];
  return h('table', null, h('thead', null, h('tr', null, ...headers.map((header) => h('th', null, header)))), h('tbody', null, ...body));
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', null, title), ...children);
}
