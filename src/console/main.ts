// The console's entry point, bundled by esbuild when the API starts (src/api/pages/consoleBundle.ts).
import 'uplot/dist/uPlot.min.css';
import './console.css';
import { html } from 'htm/preact';
import { render } from 'preact';
import { App } from './app';
import { portalTokenOf } from './route';
import { credential } from './session';

// A portal link carries its token in the fragment (never sent to a server): keep it for this tab,
// then take it out of the address bar and the history.
const portalToken = portalTokenOf(location.hash);
if (portalToken) {
  credential.write(portalToken);
  history.replaceState(null, '', `${location.pathname}${location.search}`);
}

const root = document.getElementById('app');
if (root) {
  root.replaceChildren(); // the page's "needs JavaScript" line
  render(html`<${App} />`, root);
}
