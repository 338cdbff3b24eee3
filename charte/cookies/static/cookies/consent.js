/* charte: cookie consent, the IAB TCF API and gated scripts. No dependency, no build step.
   Texts are in the page (server-rendered and translated); the state comes from #cc-state. */
(function () {
  "use strict";
  var d = document, w = window, S, dlg, form, opener, calls = {}, seq = 0;
  var gpc = navigator.globalPrivacyControl === true;

  function $$(sel, root) { return Array.prototype.slice.call((root || d).querySelectorAll(sel)); }
  function allowed(cat) { return !!S.choice && S.choice.categories.indexOf(cat) >= 0; }

  /* IAB TCF v2.3 CMP API: ping, getTCData, addEventListener, removeEventListener. */
  function tcData(status, id) {
    var t = JSON.parse(JSON.stringify(S.tcf));
    t.eventStatus = status;
    t.cmpStatus = "loaded";
    if (id) t.listenerId = id;
    return t;
  }
  function status() { return S.given ? "tcloaded" : "cmpuishown"; }
  function api(cmd, version, cb, param) {
    if (typeof cb !== "function") return;
    if (version && version !== 2) return cb(null, false);
    if (cmd === "ping") {
      return cb({
        gdprApplies: true, cmpLoaded: true, cmpStatus: "loaded", apiVersion: "2.3",
        displayStatus: dlg && dlg.open ? "visible" : (S.given ? "hidden" : "disabled"),
        cmpId: S.tcf.cmpId, cmpVersion: S.tcf.cmpVersion, gvlVersion: S.tcf.gvlVersion,
        tcfPolicyVersion: S.tcf.tcfPolicyVersion
      });
    }
    if (cmd === "getTCData") return cb(tcData(status()), true);
    if (cmd === "addEventListener") { seq += 1; calls[seq] = cb; return cb(tcData(status(), seq), true); }
    if (cmd === "removeEventListener") { var ok = !!calls[param]; delete calls[param]; return cb(ok); }
    cb(null, false);
  }
  function notify() {
    Object.keys(calls).forEach(function (id) { calls[id](tcData("useractioncomplete", +id), true); });
  }

  /* Scripts and embeds wait for their category. */
  function run() {
    $$('script[type="text/plain"][data-category]').forEach(function (old) {
      if (!allowed(old.dataset.category)) return;
      var s = d.createElement("script");
      if (old.getAttribute("src")) s.src = old.getAttribute("src"); else s.textContent = old.textContent;
      if (old.nonce) s.nonce = old.nonce;
      old.replaceWith(s);
    });
    $$(".cc-embed[data-category]").forEach(function (box) {
      if (!allowed(box.dataset.category)) return;
      var f = d.createElement("iframe");
      f.src = box.dataset.src;
      f.title = box.dataset.title;
      f.className = "cc-frame";
      box.replaceWith(f);
    });
  }

  /* Cookies of refused categories go, as soon as they are refused. */
  function sweep() {
    Object.keys(S.cookies).forEach(function (cat) {
      if (allowed(cat)) return;
      d.cookie.split(";").forEach(function (pair) {
        var name = pair.split("=")[0].trim();
        if (S.cookies[cat].some(function (p) { return name.indexOf(p) === 0; })) {
          d.cookie = name + "=; Max-Age=0; path=/; SameSite=Lax";
        }
      });
    });
  }

  /* The dialog: modal, so the keyboard stays in it; focus goes back where it came from. */
  function show(panel, from) {
    opener = from || d.activeElement;
    d.getElementById("cc-intro").hidden = panel;
    d.getElementById("cc-panel").hidden = !panel;
    if (dlg.open) dlg.close();
    dlg.showModal();
    /* Focus on the title, not on a button: no answer is suggested. */
    d.getElementById(panel ? "cc-panel-title" : "cc-title").focus();
  }
  function hide() {
    dlg.close();
    var back = opener && opener.isConnected ? opener : d.getElementById("contenu");
    if (back) back.focus();
  }

  function post(data) {
    if (gpc) data.append("gpc", "1");
    return fetch(S.url, {
      method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (r) { return r.ok ? r.json() : Promise.reject(r); }).then(function (next) {
      var before = S.choice ? S.choice.categories : [];
      S = next;
      sweep();
      notify();
      if (dlg && dlg.open) hide();
      if (before.some(function (c) { return !allowed(c); })) return w.location.reload();
      run();
      sync();
    }).catch(function () { w.location.href = S.url; });  /* the page without script still works */
  }

  /* Switches: a category stands for its IAB purposes; one purpose on turns the category on. */
  function sync() {
    if (!dlg) return;
    var c = S.choice || { categories: [], purposes: [], features: [] };
    $$('[name="category"]', dlg).forEach(function (i) { i.checked = c.categories.indexOf(i.value) >= 0; });
    $$('[name="purpose"]', dlg).forEach(function (i) { i.checked = c.purposes.indexOf(+i.value) >= 0; });
    $$('[name="feature"]', dlg).forEach(function (i) { i.checked = c.features.indexOf(+i.value) >= 0; });
  }
  function wire(root) {
    root.addEventListener("change", function (e) {
      var i = e.target, kids;
      if (i.name === "category") {
        $$('[data-parent="' + i.value + '"]', root).forEach(function (k) { k.checked = i.checked; });
      } else if (i.dataset.parent) {
        kids = $$('[data-parent="' + i.dataset.parent + '"]', root);
        root.querySelector('[name="category"][value="' + i.dataset.parent + '"]').checked =
          kids.some(function (k) { return k.checked; });
      }
    });
  }

  function start() {
    var el = d.getElementById("cc-state");
    if (!el) return;
    S = JSON.parse(el.textContent);
    var queued = w.__tcfapi && w.__tcfapi.a;
    w.__tcfapi = api;
    (queued || []).forEach(function (a) { api.apply(null, a); });
    if (!w.frames.__tcfapiLocator) {
      var f = d.createElement("iframe");
      f.name = "__tcfapiLocator";
      f.hidden = true;
      f.title = "";
      d.body.appendChild(f);
    }
    w.addEventListener("message", function (e) {
      var m = e.data, c;
      try { m = typeof m === "string" ? JSON.parse(m) : m; } catch (x) { return; }
      c = m && m.__tcfapiCall;
      if (!c || !e.source) return;
      api(c.command, c.version, function (value, success) {
        e.source.postMessage({ __tcfapiReturn: { returnValue: value, success: success, callId: c.callId } }, "*");
      }, c.parameter);
    });
    if (S.gpc || gpc) {
      gpc = true;
      $$("[data-cc-gpc]").forEach(function (p) { p.hidden = false; });
    }
    $$("form .cc-cats").forEach(function (c) { wire(c.parentNode); });
    dlg = d.getElementById("cc");
    run();
    sweep();
    d.addEventListener("click", function (e) {
      var a = e.target.closest("a[href], [data-cc-grant]");
      if (!a) return;
      if (a.dataset.ccGrant) {
        var data = new FormData();
        data.append("action", "grant");
        data.append("category", a.dataset.ccGrant);
        data.append("csrfmiddlewaretoken", d.querySelector("[name=csrfmiddlewaretoken]").value);
        post(data);
      } else if (dlg && a.getAttribute("href") === S.url) {
        e.preventDefault();
        show(true, dlg.contains(a) ? opener : a);
      }
    });
    if (!dlg) return;
    form = dlg.querySelector("form");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      post(new FormData(form, e.submitter));
    });
    dlg.addEventListener("keydown", function (e) {
      if (e.key !== "Tab") return;
      var all = $$("a[href], button, input, summary, [tabindex='-1']", dlg).filter(function (el) {
        return el.offsetParent !== null;
      });
      var first = all[0], last = all[all.length - 1];
      if (e.shiftKey ? d.activeElement === first : d.activeElement === last) {
        e.preventDefault();
        (e.shiftKey ? last : first).focus();
      }
    });
    dlg.addEventListener("cancel", function (e) {
      e.preventDefault();
      if (!S.given && d.getElementById("cc-intro").hidden) show(false, opener);
      else if (S.given) hide();
    });
    if (dlg.open) show(false, null);
  }

  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", start); else start();
}());
