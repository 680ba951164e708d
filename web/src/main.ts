// Entry: the shell element registers itself; the page's markup holds <cg-app>.
import './app.js';
