// Show only the fields of the chosen kind of resource (without this script, all are shown).
(function () {
  var form = document.querySelector("form[data-resource-form]");
  if (!form) return;
  var fieldsByKind = { note: "body", link: "url", file: "file" };
  function show() {
    var checked = form.querySelector("input[name=kind]:checked");
    if (!checked) return;
    Object.keys(fieldsByKind).forEach(function (kind) {
      var input = form.querySelector("[name=" + fieldsByKind[kind] + "]");
      if (input) input.closest(".field").hidden = kind !== checked.value;
    });
  }
  form.addEventListener("change", show);
  show();
})();
