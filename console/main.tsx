/** The console's entry: renders the app into the page's #app (console/index.html). */
import { render } from 'preact';
import { App } from './app';

render(<App />, document.getElementById('app')!);
