/* Passkeys (WebAuthn): register one, or sign in with one, as a second factor.
   Ours, no library. The server sends the options as JSON (binary fields in base64url) and
   checks the browser's answer; this file only converts between JSON and the browser's API.
   Buttons: [data-passkey-register] and [data-passkey-verify], each with data-options-url and
   data-url; messages go to [data-passkey-status]. */
(function () {
  "use strict";

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function say(button, text) {
    var status = document.querySelector("[data-passkey-status]");
    if (!status) { return; }
    status.textContent = text;
    status.hidden = !text;
    button.disabled = false;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (data) {
        if (data.redirect) { window.location.assign(data.redirect); }
        if (!response.ok) { throw new Error(data.error || ""); }
        return data;
      });
    });
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return { type: item.type, id: toBytes(item.id), transports: item.transports };
    });
  }

  function register(button) {
    var nameField = document.getElementById("passkey-name");
    post(button.dataset.optionsUrl).then(function (options) {
      options.challenge = toBytes(options.challenge);
      options.user.id = toBytes(options.user.id);
      options.excludeCredentials = descriptors(options.excludeCredentials);
      return navigator.credentials.create({ publicKey: options });
    }).then(function (credential) {
      var response = credential.response;
      return post(button.dataset.url, {
        name: nameField ? nameField.value : "",
        credential: {
          id: credential.id,
          rawId: toText(credential.rawId),
          type: credential.type,
          response: {
            clientDataJSON: toText(response.clientDataJSON),
            attestationObject: toText(response.attestationObject),
            transports: response.getTransports ? response.getTransports() : []
          },
          clientExtensionResults: credential.getClientExtensionResults(),
          authenticatorAttachment: credential.authenticatorAttachment
        }
      });
    }).catch(function (error) {
      // The browser's own errors (cancelled, timed out) are in its language: say ours.
      var own = !(error instanceof DOMException) && error.message;
      say(button, own || button.dataset.failed);
    });
  }

  function verify(button) {
    post(button.dataset.optionsUrl).then(function (options) {
      options.challenge = toBytes(options.challenge);
      options.allowCredentials = descriptors(options.allowCredentials);
      return navigator.credentials.get({ publicKey: options });
    }).then(function (credential) {
      var response = credential.response;
      return post(button.dataset.url, {
        credential: {
          id: credential.id,
          rawId: toText(credential.rawId),
          type: credential.type,
          response: {
            clientDataJSON: toText(response.clientDataJSON),
            authenticatorData: toText(response.authenticatorData),
            signature: toText(response.signature),
            userHandle: response.userHandle ? toText(response.userHandle) : null
          },
          clientExtensionResults: credential.getClientExtensionResults(),
          authenticatorAttachment: credential.authenticatorAttachment
        }
      });
    }).catch(function (error) {
      // The browser's own errors (cancelled, timed out) are in its language: say ours.
      var own = !(error instanceof DOMException) && error.message;
      say(button, own || button.dataset.failed);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-passkey-register], [data-passkey-verify]");
    if (!button) { return; }
    event.preventDefault();
    if (!window.PublicKeyCredential) {
      say(button, button.dataset.unsupported);
      return;
    }
    say(button, "");
    button.disabled = true;
    if (button.hasAttribute("data-passkey-register")) { register(button); } else { verify(button); }
  });

  document.querySelectorAll("[data-passkey-register], [data-passkey-verify]").forEach(function (button) {
    button.hidden = false;
  });
}());
