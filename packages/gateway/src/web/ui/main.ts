/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The web UI's entry: reads the login state, shows the first-start password form or the login
 * when needed, and switches between the views by the URL's hash (#dashboard, #diagnostics, …).
 */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { getJson, HttpError, send, setCsrf, type AuthState } from './api';
import { h, replace } from './dom';
import { mountDashboard } from './dashboard';
import { VIEWS_NEEDING_LOGIN, extraViews } from './views';

type Unmount = () => void;

let auth: AuthState | undefined;
let unmount: Unmount | undefined;

const main = document.getElementById('main') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;
const session = document.getElementById('session') as HTMLElement;

function passwordForm(kind: 'setup' | 'login', then: string): HTMLElement {
  const input = h('input', {
    type: 'password',
    id: 'password',
    name: 'password',
    required: true,
    autocomplete: kind === 'setup' ? 'new-password' : 'current-password',
    minlength: kind === 'setup' ? 10 : undefined,
  });
  const problem = h('p', { class: 'problem', role: 'alert' });
  const form = h(
    'form',
    {
      class: 'card narrow',
      onsubmit: (e: Event) => {
        e.preventDefault();
        send<{ csrf: string }>('POST', `api/auth/${kind}`, { password: input.value })
          .then(async (r) => {
            setCsrf(r.csrf);
            await refreshAuth();
            location.hash = then;
            render();
          })
          .catch((err: unknown) => {
            problem.textContent = err instanceof HttpError ? err.message : String(err);
            input.focus();
          });
      },
    },
    h('h2', {}, kind === 'setup' ? 'Choose the administrator password' : 'Log in'),
    kind === 'setup'
      ? h('p', {}, 'This gateway has no administrator password yet. Choose one (at least 10 characters); it is needed for every change.')
      : h('p', {}, 'Changes need the administrator password.'),
    h('label', { for: 'password' }, 'Password'),
    input,
    problem,
    h('button', { type: 'submit' }, kind === 'setup' ? 'Set password' : 'Log in'),
  );
  return form;
}

async function refreshAuth(): Promise<void> {
  auth = await getJson<AuthState>('api/auth');
  setCsrf(auth.csrf);
  replace(session);
  if (auth.mode === 'password' && auth.loggedIn) {
    session.append(
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          onclick: () => {
            void send('POST', 'api/auth/logout').finally(async () => {
              await refreshAuth();
              render();
            });
          },
        },
        'Log out',
      ),
    );
  } else if (auth.mode === 'password' && !auth.setupNeeded) {
    session.append(h('a', { href: '#login' }, 'Log in'));
  }
}

function render(): void {
  unmount?.();
  unmount = undefined;
  const view = location.hash.replace(/^#/, '') || 'dashboard';
  for (const a of nav.querySelectorAll('a')) {
    if (a.getAttribute('href') === `#${view}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!auth) return;
  if (auth.setupNeeded) {
    replace(main, passwordForm('setup', view === 'login' ? 'dashboard' : view));
    main.querySelector('input')?.focus();
    return;
  }
  const mustLogin = !auth.loggedIn && (view === 'login' || !auth.readOnlyOpen || VIEWS_NEEDING_LOGIN.has(view));
  if (mustLogin) {
    replace(main, passwordForm('login', view === 'login' ? 'dashboard' : view));
    main.querySelector('input')?.focus();
    return;
  }
  const extra = extraViews[view];
  unmount = extra ? extra(main) : mountDashboard(main);
}

window.addEventListener('hashchange', render);
refreshAuth()
  .then(render)
  .catch((e: unknown) => replace(main, h('p', { class: 'problem' }, `Gateway not reachable: ${String(e)}`)));
