/* charte: our own audience measurement, first-party only. The banner loads this script only once
   the visitor has accepted "audience measurement". It keeps a random visitor number (13 months)
   and the count of pages of the visit (30 minutes), and sends each page view and its loading
   time to our own endpoint, which checks the consent's proof again. With Global Privacy
   Control on (in the browser, or in the request's header), it does nothing. */
(function () {
  "use strict";
  /* GPC as the browser says it, or as the server saw it in the request's Sec-GPC header
     (#cc-state, written by the banner): either one, and nothing is kept nor sent. */
  var state = document.getElementById("cc-state");
  var seen = false;
  try { seen = !!(state && JSON.parse(state.textContent).gpc); } catch (e) { seen = false; }
  if (navigator.globalPrivacyControl === true || seen) {
    return;
  }
  function get(name) {
    var m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : null;
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  var id = get("ch_aud_id");
  if (!/^[0-9a-f-]{36}$/.test(id || "")) {
    id = uuid();
  }
  var pages = (parseInt(get("ch_aud_ses"), 10) || 0) + 1;
  document.cookie = "ch_aud_id=" + id + "; Max-Age=" + 395 * 86400 + "; path=/; SameSite=Lax";
  document.cookie = "ch_aud_ses=" + pages + "; Max-Age=1800; path=/; SameSite=Lax";
  document.documentElement.dataset.audience = "on";

  function send() {
    var nav = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    var load = nav && nav.loadEventEnd > 0 ? Math.round(nav.loadEventEnd) : null;
    fetch("/mesure/", {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({visitor: id, path: location.pathname, load_ms: load})
    }).then(function (r) {
      document.documentElement.dataset.audienceSent = String(r.status);
    }, function () {});
  }
  if (document.readyState === "complete") {
    setTimeout(send, 0);
  } else {
    window.addEventListener("load", function () { setTimeout(send, 0); });
  }
}());
