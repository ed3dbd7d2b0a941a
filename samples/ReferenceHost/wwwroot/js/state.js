// Shared dashboard state: the signed-in user's profile, their sessions and the selected one. Views listen for
// 'change' events on `state.events` (detail: the key that changed).

export const state = {
  events: new EventTarget(),
  profile: null,
  sessions: [],
  currentSessionId: null,
  set(key, value) {
    this[key] = value;
    this.events.dispatchEvent(new CustomEvent('change', { detail: key }));
  },
  get roles() { return this.profile?.roles ?? []; },
  hasRole(...names) { return this.roles.some((r) => names.includes(String(r).toLowerCase())); },
};
