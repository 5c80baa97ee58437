//! The OpenAPI 3.1 description of the JSON API, generated from the view types in [`render::json`]
//! (native builds only). `newsroom build` stores it in KV (`api:openapi`), which the worker
//! serves at `/openapi.json`, so the wasm carries neither the generator nor the document;
//! `docs/openapi.json` is the same document for readers, kept equal by a test.

use schemars::generate::SchemaSettings;
use serde_json::{json, Map, Value};

use render::json::{
    CountsView, ErrorView, HealthView, ListView, MediaBankView, PageView, PublisherView, ReleaseView, SearchView,
};

/// A query parameter: name, description, JSON Schema.
type Param = (&'static str, &'static str, Value);

/// The whole document, pretty-printed as committed in `docs/openapi.json`.
pub fn document_text() -> String {
    let mut text = serde_json::to_string_pretty(&document()).unwrap_or_default();
    text.push('\n');
    text
}

/// The whole document on one line, as stored in KV.
pub fn document_compact() -> String {
    document().to_string()
}

/// The OpenAPI 3.1 document.
pub fn document() -> Value {
    let mut generator =
        SchemaSettings::draft2020_12().with(|s| s.definitions_path = "/components/schemas".into()).into_generator();
    generator.subschema_for::<ReleaseView>();
    generator.subschema_for::<ListView>();
    generator.subschema_for::<PublisherView>();
    generator.subschema_for::<MediaBankView>();
    generator.subschema_for::<PageView>();
    generator.subschema_for::<CountsView>();
    generator.subschema_for::<SearchView>();
    generator.subschema_for::<ErrorView>();
    generator.subschema_for::<HealthView>();
    let mut schemas: Map<String, Value> = generator.take_definitions(true).into_iter().collect();
    for schema in schemas.values_mut() {
        close_objects(schema);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Newsroom JSON API",
            "version": render::json::API_VERSION.to_string(),
            "description": "Press releases, publishers, keywords, archive and search as JSON. Every HTML page answers JSON for `Accept: application/json` or `?format=json`; see docs/api.md. Feeds (RSS, Atom, JSON Feed) are described by their own standards.",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": paths(),
        "components": { "schemas": schemas, "responses": responses() },
    })
}

/// `additionalProperties: false` on every object with declared properties, so a response
/// with a field the document does not know fails validation.
fn close_objects(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            map.values_mut().for_each(close_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

fn responses() -> Value {
    let error = |description: &str| {
        json!({
            "description": description,
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorView" } } },
        })
    };
    json!({
        "BadRequest": error("A query parameter has a value the API cannot use; the message says which."),
        "NotFound": error("Nothing is published at this path."),
        "NotAcceptable": error("None of the representations is acceptable; the `Link` header lists them."),
        "ServerError": error("The stored record is damaged, or the configuration is invalid (the message names the variable)."),
        "Unavailable": error("KV could not be reached; retry after `Retry-After` seconds."),
    })
}

fn paths() -> Value {
    let slug: Param = (
        "slug",
        "Lower-case letters, digits and single hyphens.",
        json!({"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}),
    );
    let page: Param = (
        "page",
        "Page number, from 1.",
        json!({"type": "integer", "minimum": 1, "maximum": contract::route::MAX_PAGE}),
    );
    let kind: Param =
        ("type", "Only releases of this type (a list then redirects to the search).", json!({"type": "string"}));
    let lang: Param =
        ("lang", "The translation in this language, if the release has one (302 to it).", json!({"type": "string"}));
    let search = [
        ("q", "Words to find (Finnish prefixes match).", json!({"type": "string"})),
        ("publisher", "Only this publisher's releases (slug).", json!({"type": "string"})),
        ("keyword", "Only releases with this keyword (slug).", json!({"type": "string"})),
        ("year", "Only releases of this year.", json!({"type": "integer"})),
        kind.clone(),
        page.clone(),
    ];
    let mut paths = Map::new();
    let mut add = |path: &str, summary: &str, schema: &str, path_params: Vec<Param>, query: Vec<Param>| {
        paths.insert(path.to_string(), operation(summary, schema, path_params, query));
    };
    add("/", "The newest releases of every publisher.", "ListView", vec![], vec![page.clone(), kind.clone()]);
    add(
        "/releases/{slug}",
        "One release with its publisher, contacts, keywords, media and translations.",
        "ReleaseView",
        vec![slug.clone()],
        vec![lang],
    );
    add(
        "/pages/{slug}",
        "A content page that is not a release (the accessibility statement, the privacy notice): its role, language, last update, text and translations.",
        "PageView",
        vec![slug.clone()],
        vec![],
    );
    add(
        "/publishers/{slug}",
        "A publisher and its newest releases.",
        "PublisherView",
        vec![slug.clone()],
        vec![page.clone(), kind.clone()],
    );
    add(
        "/publishers/{slug}/media",
        "The publisher's media bank: its terms, logo and standing photos, and its public releases with photos or attachments, newest first, each photo with its pixel size, renditions, credit, licence and full-size download.",
        "MediaBankView",
        vec![slug.clone()],
        vec![page.clone()],
    );
    add("/keywords", "Every keyword with its number of releases.", "CountsView", vec![], vec![]);
    add("/keywords/{slug}", "The releases with one keyword.", "ListView", vec![slug], vec![page.clone(), kind.clone()]);
    add("/archive", "Every year with its number of releases.", "CountsView", vec![], vec![]);
    add(
        "/archive/{year}",
        "The releases of one year.",
        "ListView",
        vec![("year", "A four-digit year.", json!({"type": "integer", "minimum": 1900, "maximum": 2999}))],
        vec![page, kind],
    );
    add(
        "/search",
        "Ranked search results with highlighted titles and snippets.",
        "SearchView",
        vec![],
        search.to_vec(),
    );
    add(
        "/healthz",
        "Health: configuration valid, KV reachable, the last build and warnings. Never cached.",
        "HealthView",
        vec![],
        vec![],
    );
    Value::Object(paths)
}

/// `GET` of a JSON representation: `?format=json` or `Accept: application/json`.
fn operation(summary: &str, schema: &str, path_params: Vec<Param>, query: Vec<Param>) -> Value {
    let mut parameters: Vec<Value> = path_params
        .into_iter()
        .map(|(name, description, schema)| json!({"name": name, "in": "path", "required": true, "description": description, "schema": schema}))
        .collect();
    parameters.extend(
        query.into_iter().map(|(name, description, schema)| json!({"name": name, "in": "query", "description": description, "schema": schema})),
    );
    if schema != "HealthView" {
        parameters.push(json!({
            "name": "format", "in": "query",
            "description": "`json` chooses this representation without an `Accept` header.",
            "schema": {"type": "string", "enum": ["json", "html"]},
        }));
    }
    json!({
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": summary,
                    "headers": {
                        "ETag": {"description": "Validator for `If-None-Match` (answered 304).", "schema": {"type": "string"}},
                        "Link": {"description": "`</openapi.json>; rel=\"service-desc\"`.", "schema": {"type": "string"}},
                    },
                    "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } },
                },
                "304": {"description": "Not modified since the `If-None-Match` ETag."},
                "400": {"$ref": "#/components/responses/BadRequest"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "406": {"$ref": "#/components/responses/NotAcceptable"},
                "500": {"$ref": "#/components/responses/ServerError"},
                "503": {"$ref": "#/components/responses/Unavailable"},
            },
        }
    })
}
