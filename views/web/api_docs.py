"""The API reference page (``GET /api/docs``), rendered on the server from the OpenAPI document."""
import json
from dataclasses import dataclass, field

from flask import current_app, render_template

from views.api import openapi
from views.web import web

METHODS = ("get", "post", "patch", "put", "delete")
REF_PREFIX = "#/components/schemas/"


@dataclass
class Row:
    """One parameter or field: its name, where it goes, its type, its limits and whether it is required."""

    name: str
    type: str
    limits: str
    required: bool
    description: str = ""
    location: str = ""
    schema_link: str | None = None


@dataclass
class Reply:
    status: str
    description: str
    data: str = ""
    data_link: str | None = None
    headers: list[Row] = field(default_factory=list)
    example: str = ""


@dataclass
class Entry:
    method: str
    path: str
    operation_id: str
    summary: str
    description: str
    public: bool
    parameters: list[Row]
    body_name: str | None
    body_fields: list[Row]
    body_example: str
    replies: list[Reply]


def _pretty(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _ref_name(schema: dict) -> str | None:
    ref = schema.get("$ref", "")
    return ref.removeprefix(REF_PREFIX) if ref.startswith(REF_PREFIX) else None


def type_of(schema: dict) -> str:
    """``{"type": "array", "items": {"$ref": ".../Disk"}}`` -> ``"array of Disk"``."""
    if name := _ref_name(schema):
        return name
    if "anyOf" in schema:
        return " or ".join(type_of(option) for option in schema["anyOf"])
    if "const" in schema:
        return json.dumps(schema["const"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"array of {type_of(schema.get('items', {}))}"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"object of {type_of(schema['additionalProperties'])}"
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    return kind


def limits_of(schema: dict) -> str:
    """The rules a value must follow: range, length, allowed values, pattern, default."""
    for option in schema.get("anyOf", ()):
        if option.get("type") != "null":
            inner = limits_of(option)
            break
    else:
        inner = ""
    parts = [inner] if inner else []
    if "enum" in schema:
        parts.append("one of " + ", ".join(str(value) for value in schema["enum"]))
    if "items" in schema and limits_of(schema["items"]):
        parts.append("each " + limits_of(schema["items"]))
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        parts.append(f"{low} to {high}")
    elif low is not None:
        parts.append(f"at least {low}")
    elif high is not None:
        parts.append(f"at most {high}")
    low, high = schema.get("minLength"), schema.get("maxLength")
    if low is not None and high is not None:
        parts.append(f"{low} to {high} characters")
    elif high is not None:
        parts.append(f"at most {high} characters")
    elif low:
        parts.append(f"at least {low} characters")
    if "pattern" in schema and len(schema["pattern"]) > 20 and schema.get("examples"):
        parts.append(f"like {schema['examples'][0]}")  # reads better than a long regular expression
    elif "pattern" in schema:
        parts.append(f"pattern {schema['pattern']}")
    if "default" in schema and schema["default"] not in (None, {}, []):
        parts.append(f"default {json.dumps(schema['default'])}")
    return "; ".join(parts)


def _link(schema: dict) -> str | None:
    """The component a field's type names, to link to it."""
    for candidate in (schema, schema.get("items", {}), *schema.get("anyOf", ())):
        if name := _ref_name(candidate):
            return name
        if isinstance(candidate, dict) and (name := _ref_name(candidate.get("items", {}))):
            return name
    return None


def fields_of(schema: dict) -> list[Row]:
    required = set(schema.get("required", ()))
    return [Row(name, type_of(prop), limits_of(prop), name in required, prop.get("description", ""),
                schema_link=_link(prop))
            for name, prop in schema.get("properties", {}).items()]


def _resolve(item: dict, document: dict) -> dict:
    ref = item.get("$ref", "")
    if ref.startswith("#/components/"):
        section, name = ref.removeprefix("#/components/").split("/", 1)
        return document["components"][section][name]
    return item


def _reply(status: str, response: dict, document: dict) -> Reply:
    response = _resolve(response, document)
    media = response.get("content", {}).get("application/json", {})
    data_schema = media.get("schema", {}).get("properties", {}).get("data")
    reply = Reply(status, response.get("description", ""))
    if data_schema is not None:
        reply.data, reply.data_link = type_of(data_schema), _link(data_schema)
    elif "allOf" in media.get("schema", {}):
        reply.data, reply.data_link = "error", "ErrorBody"
    reply.headers = [Row(name, type_of(header.get("schema", {})), "", header.get("required", False),
                         header.get("description", ""))
                     for name, header in response.get("headers", {}).items()]
    if "example" in media:
        reply.example = _pretty(media["example"])
    return reply


def _entry(method: str, path: str, operation: dict, document: dict) -> Entry:
    parameters = [Row(p["name"], type_of(p["schema"]), limits_of(p["schema"]), p.get("required", False),
                      p.get("description", ""), location=p["in"])
                  for p in operation.get("parameters", ())]
    body_name, body_fields, body_example = None, [], ""
    if "requestBody" in operation:
        media = operation["requestBody"]["content"]["application/json"]
        body_name = _ref_name(media["schema"])
        body_fields = fields_of(_resolve(media["schema"], document))
        body_example = _pretty(media["example"]) if "example" in media else ""
    return Entry(
        method=method.upper(), path=path, operation_id=operation["operationId"],
        summary=operation.get("summary", ""), description=operation.get("description", ""),
        public=operation.get("security") == [],
        parameters=parameters, body_name=body_name, body_fields=body_fields, body_example=body_example,
        replies=[_reply(status, response, document) for status, response in operation["responses"].items()],
    )


def reference(document: dict) -> dict:
    """The document arranged for reading: operations by tag in the document's order, then the schemas."""
    groups: dict[str, list[Entry]] = {tag["name"]: [] for tag in document.get("tags", ())}
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                operation = item[method]
                groups.setdefault(operation["tags"][0], []).append(_entry(method, path, operation, document))
    descriptions = {tag["name"]: tag.get("description", "") for tag in document.get("tags", ())}
    return {
        "info": document["info"],
        "tags": [(name, descriptions.get(name, ""), entries) for name, entries in groups.items() if entries],
        "schemas": [(name, schema.get("description", ""), fields_of(schema))
                    for name, schema in document["components"]["schemas"].items()],
    }


@web.get("/api/docs")
def api_docs():
    """The API reference: every operation with its parameters, body, answers and examples."""
    return render_template("api_docs.html", reference=reference(openapi.document(current_app)))

