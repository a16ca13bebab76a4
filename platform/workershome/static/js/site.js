// The sites' only script: controls marked data-autosubmit submit their form when changed
// (the language switcher). Everything works without it (a <noscript> button stands in).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.matches && target.matches("[data-autosubmit]") && target.form) {
    target.form.submit();
  }
});
