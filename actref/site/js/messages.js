// The runtime of the site's translated JavaScript messages: window.actrefT(message, fields) returns the page's
// translation of `message` (its English text), with "{field}" placeholders filled from `fields`.
//
// actref.site.live_assets writes assets/actref/messages.js for each language's build: window.actrefMessages (the
// translations of every message the site's scripts show, from the one message catalogue, actref/site/locale/),
// then this file. An English page's catalogue is empty: a message is its own English text.
(function () {
  "use strict";
  const catalogue = window.actrefMessages || {};
  const own = (object, key) => Object.prototype.hasOwnProperty.call(object, key);
  window.actrefT = function (message, fields) {
    const text = own(catalogue, message) ? catalogue[message] : message;
    if (!fields) return text;
    return text.replace(/\{(\w+)\}/g, (whole, key) => (own(fields, key) ? String(fields[key]) : whole));
  };
})();
