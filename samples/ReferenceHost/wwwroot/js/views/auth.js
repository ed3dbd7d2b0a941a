// Log in and sign up. Sign-up logs in with the same credentials right away.
import { $, showFieldErrors } from '../dom.js';
import { ApiError, login, signup } from '../api.js';

export function initAuth(onSignedIn) {
  const loginForm = $('login-form');
  const signupForm = $('signup-form');

  loginForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const email = $('login-email').value.trim();
    const password = $('login-password').value;
    $('login-error').textContent = '';
    if (!email || !password) { $('login-error').textContent = 'Enter your email and password.'; return; }
    await busy(loginForm, async () => {
      try {
        await login(email, password);
        loginForm.reset();
        await onSignedIn();
      } catch (err) {
        $('login-error').textContent = err instanceof ApiError && (err.status === 401 || err.status === 400)
          ? 'Wrong email or password.' : `Could not log in: ${err.message}`;
      }
    });
  });

  signupForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const email = $('signup-email').value.trim();
    const password = $('signup-password').value;
    const name = $('signup-name').value.trim();
    $('signup-error').textContent = '';
    const local = {};
    if (!email || !email.includes('@')) local.email = ['Enter an email address.'];
    if (password.length < 8) local.password = ['Use at least 8 characters.'];
    if (Object.keys(local).length) { showFieldErrors(signupForm, 'signup', local); return; }
    showFieldErrors(signupForm, 'signup', {});
    await busy(signupForm, async () => {
      try {
        await signup(email, password, name || undefined);
        await login(email, password);
        signupForm.reset();
        await onSignedIn();
      } catch (err) {
        const rest = err instanceof ApiError ? showFieldErrors(signupForm, 'signup', err.errors) : [];
        if (!(err instanceof ApiError) || !err.errors || rest.length) {
          $('signup-error').textContent = err instanceof ApiError && err.status === 409
            ? 'An account with this email exists already: log in instead.'
            : [err.message, ...rest].join(' ');
        }
      }
    });
  });
}

export async function busy(form, work) {
  const buttons = form.querySelectorAll('button[type="submit"]');
  buttons.forEach((b) => { b.disabled = true; });
  form.setAttribute('aria-busy', 'true');
  try { await work(); } finally {
    buttons.forEach((b) => { b.disabled = false; });
    form.removeAttribute('aria-busy');
  }
}
