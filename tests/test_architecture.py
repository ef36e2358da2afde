"""The house's rules, checked on its source: what a newcomer can rely on when reading the folders."""

import ast
import re

import pytest

from .conftest import ROOT

PACKAGES = ("kb", "webapp")
SOURCES = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))
MEDIA_TYPE = re.compile(r"""["'](?:text|application)/[a-z0-9.+-]+""")


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path):
    """Return the modules of this project that a file imports, at any depth of the file."""
    name, found = module_name(path), set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    modules = {module_name(p) for p in SOURCES}
    return {m for m in found if m in modules and m != name}


def test_there_is_no_import_cycle():
    graph = {module_name(p): imports_of(p) for p in SOURCES}
    # A package's __init__ importing its own submodules is how a package is built, not a cycle.
    graph = {m: {d for d in deps if not d.startswith(m + ".")} for m, deps in graph.items()}
    state, cycles = {}, []

    def visit(module, path):
        state[module] = "open"
        for dep in sorted(graph.get(module, ())):
            if state.get(dep) == "open":
                cycles.append(path[path.index(dep):] + [dep] if dep in path else [module, dep])
            elif dep not in state:
                visit(dep, path + [dep])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_and_functions_are_small(path):
    text = path.read_text()
    assert len(text.splitlines()) <= 300, f"{path.name} has {len(text.splitlines())} lines"
    long = [f"{n.name} ({n.end_lineno - n.lineno + 1} lines)" for n in ast.walk(ast.parse(text))
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.end_lineno - n.lineno >= 50]
    assert not long, f"functions over 50 lines in {path.name}: {long}"


def test_every_media_type_is_written_in_the_format_registry_alone():
    found = [f"{p.relative_to(ROOT)}: {m.group()}" for p in SOURCES if p.name != "formats.py"
             for m in MEDIA_TYPE.finditer(p.read_text())]
    assert not found, found


def test_only_the_store_package_knows_which_backend_it_runs():
    store = ROOT / "kb" / "store"
    found = [str(p.relative_to(ROOT)) for p in SOURCES if store not in p.parents
             and re.search(r"\.kind\s*==\s*[\"'](oxigraph|sparql)|RemoteStore|EmbeddedStore|StoreSpec",
                           p.read_text())]
    assert not found, found


def test_blueprints_do_not_import_each_other():
    views = ROOT / "webapp" / "views"
    found = [f"{p.name} imports {m}" for p in views.glob("*.py") if p.name != "__init__.py"
             for m in imports_of(p) if m.startswith("webapp.views")]
    assert not found, found


def test_no_sparql_lives_in_python_strings_longer_than_a_line():
    keywords = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b[^\n]*\n[^\n]*\b(WHERE|GRAPH)\b")
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and keywords.search(node.value):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, found


def test_pages_run_their_queries_under_a_time_budget(app):
    kb = app.extensions["kb"]
    assert kb.runner is not None and kb.budget == app.config["PAGE_TIMEOUT"]
    assert kb.runner is not app.extensions["sparql"].runner, "pages and /sparql share one pool"


def test_a_page_query_past_its_budget_is_a_503_not_a_held_thread(store_spec):
    from webapp import create_app

    client = create_app({"TESTING": True, "STORE": store_spec, "PAGE_TIMEOUT": 0.0001}).test_client()
    response = client.get("/conditions/crps.json")
    assert response.status_code == 503
    assert "time limit" in response.get_json()["error"]


def test_the_folder_listing_names_the_parts():
    parts = {p.name for p in (ROOT / "kb").iterdir() if p.is_dir() and not p.name.startswith("__")}
    assert {"store", "build", "query", "sparql", "interchange", "cli"} <= parts
    for part in parts:
        init = ROOT / "kb" / part / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text())), f"kb/{part}/__init__.py: say what it holds"


def test_every_library_the_code_imports_is_a_declared_runtime_dependency():
    """A user who installs the package (without the test extras) can run every module."""
    import re as regex
    import sys
    import tomllib
    from importlib import metadata

    declared = {regex.split(r"[<>=\[ ]", d)[0].lower()
                for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    allowed = set(declared)
    for name in declared:  # what a declared dependency brings with it (Flask brings Werkzeug)
        for requirement in metadata.requires(name) or ():
            if "extra ==" not in requirement:
                allowed.add(regex.split(r"[<>=\[ ;(]", requirement)[0].lower())
    providers = metadata.packages_distributions()
    missing = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and not node.level else [])
            for name in filter(None, names):
                top = name.split(".")[0]
                if top in ("kb", "webapp") or top in sys.stdlib_module_names:
                    continue
                dists = {d.lower() for d in providers.get(top, [top])}
                if not dists & {a.replace("_", "-") for a in allowed} | (dists & allowed):
                    missing.add(f"{path.relative_to(ROOT)}: {name}")
    assert not missing, sorted(missing)
