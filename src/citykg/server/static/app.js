// citykg query UI: YASGUI pointed at this server's /sparql, with the query catalogue as examples.
// Works offline: everything is served from /static, and YASQE's LOV-backed autocompleters (class,
// property), which call the internet, are switched off.
(function () {
  "use strict";
  var endpoint = window.location.origin + "/sparql";
  document.getElementById("endpoint").textContent = endpoint;

  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: "citykg-" + window.location.host,
    yasqe: { autocompleters: ["prefixes", "variables"] },
  });

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) { node.textContent = text; }  // text, never HTML
    return node;
  }

  function queryString(inputs) {
    return inputs.map(function (input) {
      return encodeURIComponent(input.name) + "=" + encodeURIComponent(input.value);
    }).join("&");
  }

  function showQuery(query, inputs, message) {
    message.textContent = "";
    return fetch("/queries/" + encodeURIComponent(query.name) + ".rq?" + queryString(inputs))
      .then(function (response) {
        return response.text().then(function (text) {
          if (!response.ok) { throw new Error(JSON.parse(text).message); }
          return text;
        });
      })
      .then(function (text) {
        var tab = yasgui.getTab();
        tab.setQuery(text);
        return tab.query();
      })
      .catch(function (error) { message.textContent = error.message; });
  }

  function entry(query) {
    var item = element("li", { "data-query": query.name });
    var details = element("details");
    details.appendChild(element("summary", {}, query.title));
    details.appendChild(element("p", { "class": "description" }, query.description));
    var inputs = query.parameters.map(function (parameter) {
      var label = element("label", {}, parameter.name + " (" + parameter.kind + ")");
      var input = element("input", { name: parameter.name, title: parameter.description });
      input.value = parameter.default || "";
      label.appendChild(input);
      details.appendChild(label);
      return input;
    });
    var run = element("button", { type: "button", "class": "run" }, "Run");
    var message = element("p", { "class": "error", role: "alert" });
    var links = element("p", { "class": "links" });
    ["json", "csv", "tsv", "xml"].forEach(function (format) {
      var link = element("a", { href: "#" }, format.toUpperCase());
      link.addEventListener("click", function (event) {
        event.preventDefault();
        window.open("/queries/" + encodeURIComponent(query.name) + "?" + queryString(inputs) + "&format=" + format);
      });
      links.appendChild(link);
      links.appendChild(document.createTextNode(" "));
    });
    run.addEventListener("click", function () { showQuery(query, inputs, message); });
    details.appendChild(run);
    details.appendChild(message);
    details.appendChild(links);
    item.appendChild(details);
    return item;
  }

  fetch("/queries").then(function (response) { return response.json(); }).then(function (queries) {
    var list = document.getElementById("queries");
    queries.forEach(function (query) { list.appendChild(entry(query)); });
    document.body.setAttribute("data-catalogue-loaded", String(queries.length));
  });
  window.citykgYasgui = yasgui;
})();
