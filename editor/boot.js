// Before Decap CMS loads: editor.js starts it, after adding what config.yml cannot say.
window.CMS_MANUAL_INIT = true;
