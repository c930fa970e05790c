// Product gallery: a thumbnail shows its picture in the main image. Without JavaScript the
// thumbnails are plain pictures and the first picture stays the main one.
document.addEventListener("click", function (event) {
    var thumbnail = event.target.closest("[data-gallery-src]");
    if (!thumbnail) return;
    var main = document.querySelector(".product__main-image img");
    if (!main) return;
    main.src = thumbnail.dataset.gallerySrc;
    main.removeAttribute("srcset");
    main.alt = thumbnail.dataset.galleryAlt || "";
    document.querySelectorAll("[data-gallery-src]").forEach(function (other) {
        other.setAttribute("aria-pressed", other === thumbnail ? "true" : "false");
    });
});
