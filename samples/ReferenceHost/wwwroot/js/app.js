// The dashboard's entry point: sign-in state, hash navigation between the views, and start-up loads.
import { $, toast } from './dom.js';
import { api, auth } from './api.js';
import { state } from './state.js';
import { initAuth } from './views/auth.js';
import { initArena, loadSessions, stopStream } from './views/arena.js';
import { initQuantum, loadQuantum } from './views/quantum.js';
import { initOrganisms } from './views/organisms.js';
import { initOperator, startOperator, stopOperator } from './views/operator.js';

const VIEWS = ['arena', 'quantum', 'organisms', 'operator'];

function show(view, { focus = true } = {}) {
  const signedIn = Boolean(auth.accessToken);
  const target = !signedIn ? 'auth' : VIEWS.includes(view) ? view : 'arena';
  for (const el of document.querySelectorAll('main > .view')) el.hidden = el.id !== `view-${target}`;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.view === target) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  if (target === 'operator') startOperator(); else stopOperator();
  if (focus && target !== 'auth') document.querySelector(`#view-${target} h2`)?.focus();
}

function route() { show(location.hash.slice(1)); }

async function signedIn() {
  $('nav').hidden = false;
  $('who').hidden = false;
  $('who-email').textContent = auth.email ?? '';
  try {
    const profile = await api('/api/auth/profile');
    state.set('profile', profile);
    $('who-email').textContent = profile.display_name || profile.email || auth.email || '';
    $('who-roles').textContent = (profile.roles ?? []).length ? `(${profile.roles.join(', ')})` : '';
  } catch {
    state.set('profile', null);
  }
  $('nav-operator').hidden = !state.hasRole('operator', 'admin');
  if (!location.hash || location.hash === '#') history.replaceState(null, '', '#arena');
  show(location.hash.slice(1), { focus: false });
  await Promise.all([
    loadSessions().catch((e) => toast(`Sessions: ${e.message}`)),
    loadQuantum().catch((e) => toast(`Quantum: ${e.message}`)),
  ]);
}

function signedOut(message) {
  stopStream();
  stopOperator();
  auth.clear();
  state.set('profile', null);
  state.set('sessions', []);
  state.set('currentSessionId', null);
  $('nav').hidden = true;
  $('who').hidden = true;
  show('auth');
  if (message) toast(message);
}

initAuth(signedIn);
initArena();
initQuantum();
initOrganisms();
initOperator();
$('logout').addEventListener('click', () => signedOut('Signed out.'));
window.addEventListener('auth:lost', () => { if (auth.accessToken === null) signedOut('Your session ended: log in again.'); });
window.addEventListener('hashchange', route);

if (auth.accessToken) signedIn(); else show('auth');
