/* charte: our own audience measurement (a demonstration, first-party only). It runs only once the
   visitor accepts "audience measurement": the banner loads it then, never before. */
(function () {
  "use strict";
  function get(name) {
    var m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? m[1] : null;
  }
  var id = get("ch_aud_id") || Math.random().toString(36).slice(2, 12);
  var pages = (parseInt(get("ch_aud_ses"), 10) || 0) + 1;
  document.cookie = "ch_aud_id=" + id + "; Max-Age=" + 395 * 86400 + "; path=/; SameSite=Lax";
  document.cookie = "ch_aud_ses=" + pages + "; Max-Age=1800; path=/; SameSite=Lax";
  document.documentElement.dataset.audience = "on";
}());
