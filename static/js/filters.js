// On phones the filter panel starts folded, so the products come first; it stays open on wider
// screens and for browsers without JavaScript.
(function () {
    var panel = document.querySelector("[data-filters]");
    if (panel && window.matchMedia("(max-width: 640px)").matches) panel.open = false;
})();
