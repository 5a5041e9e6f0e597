// Log-in for the operator panel and the captioner console. The token is kept in sessionStorage
// (this tab only, gone when it closes) and in memory; never in the URL, never in localStorage.
// Expects in the page: <form class="login"> with <input name="token"> and <p class="error">.

import { t } from './i18n.js';

function session() {
  try { return globalThis.sessionStorage || null; } catch { return null; }
}

export function savedToken(role) {
  return session()?.getItem(`hallcast.token.${role}`) || '';
}

export function forgetToken(role) {
  session()?.removeItem(`hallcast.token.${role}`);
}

// Shows the form until a token is entered; calls onToken(token) with it. Returns {fail, show}:
// fail() shows "wrong token" and the form again; show() shows the form (after log-out).
export function setupLogin(role, form, app, onToken) {
  const input = form.querySelector('input[name="token"]');
  const error = form.querySelector('.error');
  const show = (message = '') => {
    error.textContent = message;
    form.hidden = false;
    app.hidden = true;
    input.value = '';
    input.focus();
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    session()?.setItem(`hallcast.token.${role}`, token);
    input.value = '';
    form.hidden = true;
    app.hidden = false;
    onToken(token);
  });
  const existing = savedToken(role);
  if (existing) {
    form.hidden = true;
    app.hidden = false;
    queueMicrotask(() => onToken(existing));
  } else {
    show();
  }
  return {
    fail: () => {
      forgetToken(role);
      show(t('login.failed'));
    },
    show: () => {
      forgetToken(role);
      show();
    },
  };
}
