// The tmux pane driver is the test suite's (test/helpers/tmux-pane.ts); test:compat builds before it runs.
export { Pane, killAllPanes } from '../../dist/test/helpers/tmux-pane.js';
