// Starts Decap CMS (docs/editor.md) with config.yml, our stylesheet in the preview pane and a
// preview of a release laid out as the newsroom's page.
/* global CMS, h */
(function () {
  "use strict";
  const overrides = {};
  // Locally (make dev, the tests) the editor writes through decap-server. `?proxy=PORT` picks
  // its port when it is not the default 8081; only on this machine's own address.
  const local = ["127.0.0.1", "localhost"].includes(window.location.hostname);
  const port = new URLSearchParams(window.location.search).get("proxy");
  if (local && port && /^[0-9]{2,5}$/.test(port)) {
    overrides.local_backend = { url: "http://127.0.0.1:" + port + "/api/v1", allowed_hosts: ["127.0.0.1", "localhost"] };
  }
  CMS.registerLocale("fi", window.NEWSROOM_FI);
  CMS.registerPreviewStyle("preview.css");
  // The preview pane is an iframe: its title names it for screen readers (WCAG 4.1.2).
  new MutationObserver(() => {
    const frame = document.getElementById("preview-pane");
    if (frame && !frame.title) frame.title = "Esikatselu: tiedote lukijan näkymässä";
  }).observe(document.body, { childList: true, subtree: true });

  const list = (entry, name) => {
    const value = entry.getIn(["data", name]);
    return value && value.toJS ? value.toJS() : [];
  };
  // The release as readers will see it: the page's headline, lead, body, keywords, contacts.
  const ReleasePreview = ({ entry, widgetFor, getAsset }) => {
    const data = (name) => entry.getIn(["data", name]) || "";
    const images = list(entry, "images").filter((i) => i && i.file);
    const contacts = list(entry, "contacts").filter((c) => c && c.name);
    const keywords = list(entry, "keywords").filter(Boolean);
    return h(
      "main",
      { lang: data("language") || "fi" },
      h(
        "article",
        {},
        data("draft") ? h("p", { className: "notice" }, "Luonnos: ei julkinen.") : null,
        h("h1", {}, data("title")),
        data("correction") ? h("p", { className: "notice" }, "Korjaus: " + data("correction")) : null,
        h("p", { className: "lead" }, data("lead")),
        images.slice(0, 1).map((image) =>
          h(
            "figure",
            { key: image.file },
            h("img", { src: getAsset(image.file).toString(), alt: image.alt || "" }),
            image.caption || image.credit
              ? h("figcaption", {}, [image.caption, image.credit].filter(Boolean).join(" "))
              : null,
          ),
        ),
        widgetFor("body"),
        keywords.length ? h("p", {}, "Asiasanat: " + keywords.join(", ")) : null,
        contacts.length
          ? h(
              "section",
              {},
              h("h2", {}, "Lisätietoja"),
              contacts.map((c) =>
                h("p", { key: c.name }, [c.name, c.title, c.organization, c.phone, c.email].filter(Boolean).join(", ")),
              ),
            )
          : null,
      ),
    );
  };
  CMS.registerPreviewTemplate("releases", ReleasePreview);

  // An optional field typed in and cleared again is left out of the file, as a person writing
  // the file would leave it out: `newsroom check` refuses `language = ""`, an empty
  // `updated_at` or an empty caption, where an absent field is fine.
  const blank = (v) =>
    v === "" || v === null || v === undefined || (typeof v === "string" && v.trim() === "") ||
    (v && typeof v.toJS === "function" && v.size === 0);
  const prune = (v) => (v && typeof v.toJS === "function" && typeof v.filter === "function" ? v.map(prune).filter((x) => !blank(x)) : v);
  CMS.registerEventListener({ name: "preSave", handler: ({ entry }) => prune(entry.get("data")) });
  CMS.init({ config: overrides });
})();
