// What every screen may read and call, filled in by app.js: the person signed in
// ({name, role, lang}) and the page's actions. A module of its own, so that the screens
// and app.js do not import each other.
export const app = {
  me: null,
  signedOutReason: "",
  cleanup: null,
  route: async () => {},
  changeLanguage: async () => {},
  signedIn: async () => {},
  signOut: async () => {},
};

/* 1 when the person signed in is an instructor or an admin. */
export function isInstructor() {
  return !!app.me && (app.me.role === "instructor" || app.me.role === "admin");
}

/* 1 when the person signed in is an admin (the console's accounts). */
export function isAdmin() {
  return !!app.me && app.me.role === "admin";
}
