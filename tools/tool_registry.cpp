#include "tools/tool_registry.h"

#include "tools/builtin_tools.h"

namespace agent {

void ToolRegistry::add(std::unique_ptr<Tool> tool) {
  specs_.push_back(tool->spec());
  tools_.push_back(std::move(tool));
}

Tool* ToolRegistry::find(std::string_view name) const {
  for (const auto& t : tools_) {
    if (t->spec().name == name) return t.get();
  }
  return nullptr;
}

std::vector<std::string> ToolRegistry::names() const {
  std::vector<std::string> n;
  for (const auto& s : specs_) n.push_back(s.name);
  return n;
}

static bool type_matches(const std::string& type, const Json& v) {
  if (type == "string") return v.is_string();
  if (type == "integer") return v.is_number_integer();
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_boolean();
  if (type == "array") return v.is_array();
  if (type == "object") return v.is_object();
  return true;
}

Status validate_arguments(const Json& schema, const Json& args) {
  if (!args.is_object()) {
    return invalid_argument(std::string("arguments must be a JSON object, got ") + args.type_name());
  }
  const Json empty = Json::object();
  const Json& props = schema.contains("properties") ? schema["properties"] : empty;
  if (schema.contains("required")) {
    for (const auto& r : schema["required"]) {
      const std::string name = r.get<std::string>();
      if (!args.contains(name)) {
        return invalid_argument("missing required argument \"" + name + "\"");
      }
    }
  }
  for (const auto& [key, value] : args.items()) {
    if (!props.contains(key)) {
      std::string known;
      for (const auto& [k, _] : props.items()) known += (known.empty() ? "" : ", ") + k;
      return invalid_argument("unknown argument \"" + key + "\" (the arguments are: " + known + ")");
    }
    const Json& p = props[key];
    if (p.contains("type") && !value.is_null()) {
      const std::string type = p["type"].get<std::string>();
      if (!type_matches(type, value)) {
        return invalid_argument("argument \"" + key + "\" must be " +
                                (type == "integer" || type == "array" || type == "object" ? "an " : "a ") +
                                type + ", got " + value.type_name());
      }
      if (type == "array" && p.contains("items") && p["items"].contains("type")) {
        const std::string it = p["items"]["type"].get<std::string>();
        for (const auto& e : value) {
          if (!type_matches(it, e)) {
            return invalid_argument("argument \"" + key + "\" must be a list of " + it + "s");
          }
        }
      }
    }
  }
  return ok_status();
}

Result<Json> ToolRegistry::parse_arguments(const Tool& tool, std::string_view raw) const {
  std::string_view text = raw;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) text = "{}";
  auto parsed = parse_json(text, "arguments");
  if (!parsed.ok()) {
    return invalid_argument("the arguments of " + tool.spec().name +
                            " are not valid JSON: " + parsed.status().message());
  }
  AGENT_RETURN_IF_ERROR(validate_arguments(tool.spec().parameters, *parsed));
  return std::move(*parsed);
}

ToolRegistry make_default_registry() {
  ToolRegistry r;
  add_builtin_tools(r);
  return r;
}

}  // namespace agent
