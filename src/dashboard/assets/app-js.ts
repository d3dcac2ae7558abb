// The dashboard's only client script, served as /admin/assets/app.js (CSP
// script-src 'self': no inline code anywhere). Progressive enhancement:
// every form works without it — the server then shows its own confirmation
// step. With it, dangerous forms ask window.confirm() first, quoting the
// reason, and mark themselves confirmed. Nothing here reads or stores the
// session (the cookie is HttpOnly).
export const APP_JS = `"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
  var reason = form.querySelector("[name=reason]");
  var message = form.dataset.confirm + (reason && reason.value ? "\\n\\nReason: " + reason.value : "");
  if (!window.confirm(message)) {
    event.preventDefault();
    return;
  }
  var flag = form.querySelector("input[name=confirmed]");
  if (flag) flag.value = "1";
  var button = form.querySelector("button[type=submit]");
  if (button) { button.setAttribute("aria-disabled", "true"); }
});
document.addEventListener("DOMContentLoaded", function () {
  var notice = document.querySelector("[data-focus-notice]");
  if (notice) notice.focus();
});
`;
