//! Checks JSON bodies against the committed OpenAPI description (`docs/openapi.json`), shared
//! by the native API tests and the end-to-end tests against workerd.

use serde_json::{json, Value};

/// The committed document, parsed by a real OpenAPI 3.1 parser (`oas3`) first.
pub fn committed() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.json")).expect("docs/openapi.json");
    let spec = oas3::from_json(&text).unwrap_or_else(|e| panic!("docs/openapi.json is not OpenAPI 3.1: {e}"));
    assert!(spec.openapi.starts_with("3.1"), "{}", spec.openapi);
    serde_json::from_str(&text).expect("JSON")
}

/// The schema reference of the response `status` of `GET path` (a path template such as
/// `/releases/{slug}`).
fn response_ref(doc: &Value, path: &str, status: u16) -> String {
    let responses = &doc["paths"][path]["get"]["responses"];
    let mut response = responses.get(status.to_string()).unwrap_or_else(|| panic!("{path} documents no {status}"));
    if let Some(r) = response["$ref"].as_str() {
        let name = r.rsplit('/').next().expect("name");
        response = &doc["components"]["responses"][name];
    }
    response["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap_or_else(|| panic!("{path} {status} has no JSON schema"))
        .to_string()
}

/// Validates `body`, the answer `status` to `GET path` (a template of the document), against
/// the schema the document gives for it; the errors, if any.
pub fn validate(doc: &Value, path: &str, status: u16, body: &Value) -> Result<(), String> {
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": response_ref(doc, path, status),
        "components": doc["components"],
    });
    let validator = jsonschema::validator_for(&root).map_err(|e| format!("schema: {e}"))?;
    let errors: Vec<String> = validator.iter_errors(body).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    match errors.is_empty() {
        true => Ok(()),
        false => Err(format!("GET {path} ({status}) does not match docs/openapi.json:\n{}", errors.join("\n"))),
    }
}
