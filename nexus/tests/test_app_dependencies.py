"""The apps depend on each other one way only (DESIGN.md, "Dependencies run one way").

    accounts  <-  catalog  <-  vendors  <-  commerce          home reads catalog only

Every .py file of an app is parsed, so an import inside a function counts as much as one at the
top, and so does a model looked up by name (`apps.get_model("vendors", "Vendor")`, a signal's
`sender="vendors.Vendor"`, a set of model labels): those hide a dependency from the reader
without removing it. Declaring a relation by model label is fine, because Django and Wagtail
resolve it lazily and it creates no import: a model field (`ForeignKey("vendors.Vendor")`), a page
type's `parent_page_types` / `subpage_types`, a `PageChooserBlock(page_type=...)`.

Outside migrations (which must use `apps.get_model`), a model is imported, never looked up by
name, even within the app's own dependencies: a lookup by name is an import that no reader or
tool sees.

The site package (`nexus/`) wires every app together and may import them all; the apps may use
its shared kernel only (`nexus.admin_screens`, `nexus.errors`, `nexus.lookups`, `nexus.money`,
`nexus.openapi`, `nexus.page_restrictions`, `nexus.prepared`, `nexus.sanitize`,
`nexus.throttling`, `nexus.versioned_cache`).
The GraphQL interface (`graphql_api/`) is a layer on top, like the site package: it may import
every app and no app imports it. Tests, which build data across apps, are not checked.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]

# What each app may import: its own code and these apps (the graph in DESIGN.md).
ALLOWED: dict[str, frozenset[str]] = {
    "accounts": frozenset(),
    "catalog": frozenset({"accounts"}),
    "vendors": frozenset({"accounts", "catalog"}),
    "commerce": frozenset({"accounts", "catalog", "vendors"}),
    "home": frozenset({"catalog"}),
}
SITE_PACKAGE = "nexus"
# Interface layers over every app (they may import them all; no app may import them).
INTERFACE_PACKAGES = frozenset({"graphql_api"})
SHARED_KERNEL = (
    "nexus.admin_screens",
    "nexus.errors",
    "nexus.lookups",
    "nexus.money",
    "nexus.openapi",
    "nexus.page_restrictions",
    "nexus.prepared",
    "nexus.sanitize",
    "nexus.throttling",
    "nexus.versioned_cache",
)
# Keyword arguments and class attributes that declare a relation by model label.
DECLARING_KEYWORDS = frozenset({"to", "page_type"})
DECLARING_ATTRIBUTES = frozenset({"parent_page_types", "subpage_types"})
RELATION_FIELDS = frozenset(
    {
        "ForeignKey",
        "OneToOneField",
        "ManyToManyField",
        "ParentalKey",
        "ParentalManyToManyField",
        "PageChooserBlock",
    }
)


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    target: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.target} ({self.why})"


def _app_of_label() -> dict[str, str]:
    """Django app label -> the project app (top-level package) it belongs to."""
    return {
        config.label: config.name.split(".")[0]
        for config in apps.get_app_configs()
        if config.name.split(".")[0] in ALLOWED
    }


def _model_labels() -> dict[str, str]:
    """Lower-case "label.model" -> the label as the models spell it, for project models."""
    labels = {}
    for label in _app_of_label():
        for model in apps.get_app_config(label).get_models():
            labels[model._meta.label_lower] = model._meta.label
    return labels


class _Checker(ast.NodeVisitor):
    """Collects one module's dependencies that the graph forbids."""

    def __init__(self, *, path: str, app: str, app_of_label, model_labels):
        self.path, self.app = path, app
        self.app_of_label, self.model_labels = app_of_label, model_labels
        self.declaring: set[int] = set()  # ids of string nodes that declare a relation
        self.violations: list[Violation] = []

    def _flag(self, node, target: str, why: str) -> None:
        self.violations.append(Violation(self.path, node.lineno, target, why))

    def _may_import(self, module: str) -> bool:
        top = module.split(".")[0]
        if top in INTERFACE_PACKAGES:
            return False
        if top == self.app or top not in ALLOWED and top != SITE_PACKAGE:
            return True
        if top == SITE_PACKAGE:
            return module.startswith(SHARED_KERNEL)
        return top in ALLOWED[self.app]

    def visit_Import(self, node):
        for alias in node.names:
            if not self._may_import(alias.name):
                self._flag(node, f"import {alias.name}", "import against the graph")

    def visit_ImportFrom(self, node):
        if node.level == 0 and node.module and not self._may_import(node.module):
            self._flag(node, f"import {node.module}", "import against the graph")

    def _mark_declaring(self, value) -> None:
        for child in ast.walk(value):
            if isinstance(child, ast.Constant) and isinstance(child.value, str):
                self.declaring.add(id(child))

    def visit_Assign(self, node):
        names = {target.id for target in node.targets if isinstance(target, ast.Name)}
        if names & DECLARING_ATTRIBUTES:
            self._mark_declaring(node.value)
        self.generic_visit(node)

    def visit_Call(self, node):
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        if name in RELATION_FIELDS and node.args:
            self._mark_declaring(node.args[0])
        for keyword in node.keywords:
            if keyword.arg in DECLARING_KEYWORDS:
                self._mark_declaring(keyword.value)
        if name == "get_model":
            self._check_get_model(node)
        self.generic_visit(node)

    def _check_get_model(self, node) -> None:
        strings = [
            arg.value
            for arg in node.args[:2]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
        ]
        if not strings:
            return
        for arg in node.args[:2]:
            self.declaring.add(id(arg))  # reported here, not again as a label
        label, _, model = ".".join(strings).partition(".")
        if label in self.app_of_label:
            self._flag(node, f"get_model {label}.{model}", "a lookup by name hides an import")

    def visit_Constant(self, node):
        if not isinstance(node.value, str) or id(node) in self.declaring:
            return
        if not re.fullmatch(r"\w+\.\w+", node.value):
            return
        label = node.value.split(".")[0]
        owner = self.app_of_label.get(label)
        if owner is None or node.value.lower() not in self.model_labels:
            return
        if owner != self.app and owner not in ALLOWED[self.app]:
            self._flag(node, f"label {node.value}", "a model label against the graph")


def module_violations(source: str, *, path: str, app: str) -> list[Violation]:
    checker = _Checker(
        path=path, app=app, app_of_label=_app_of_label(), model_labels=_model_labels()
    )
    tree = ast.parse(source, filename=path)
    # Declarations are marked before their strings are visited: a parent is visited first.
    checker.visit(tree)
    return checker.violations


def _is_checked(relative: Path) -> bool:
    parts = relative.parts
    return (
        parts[0] in ALLOWED
        and "migrations" not in parts
        and "tests" not in parts
        and relative.name != "conftest.py"
    )


def project_violations() -> list[Violation]:
    violations = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT)
        if _is_checked(relative):
            violations += module_violations(
                path.read_text(), path=relative.as_posix(), app=relative.parts[0]
            )
    return violations


def test_no_dependency_against_the_graph():
    violations = project_violations()
    assert not violations, "Dependencies against DESIGN.md's graph:\n" + "\n".join(
        map(str, violations)
    )


def test_every_app_directory_is_in_the_graph():
    apps_on_disk = {
        path.parent.name
        for path in ROOT.glob("*/apps.py")
        if path.parent.name != SITE_PACKAGE and path.parent.name not in INTERFACE_PACKAGES
    }
    assert apps_on_disk == set(ALLOWED)


CATALOG_SOURCE = """
from django.apps import apps
from django.db import models
from accounts.models import User
from nexus.errors import DomainError


class Thing(models.Model):
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.CASCADE)
    parent_page_types = ["home.HomePage"]


def late():
    from commerce.orders import order_transition
    import vendors.models
    from nexus.api import urlpatterns


def by_name():
    apps.get_model("vendors", "VendorPage")
    apps.get_model("catalog.Stock")
    post_save.connect(receiver, sender="vendors.Vendor")
    labels = {"home.homepage", "catalog.productpage", "commerce.order_confirmation_send"}
"""


@pytest.mark.parametrize(
    ("app", "expected"),
    [
        (
            "catalog",
            [
                (14, "import commerce.orders"),
                (15, "import vendors.models"),
                (16, "import nexus.api"),
                (20, "get_model vendors.VendorPage"),
                (21, "get_model catalog.Stock"),
                (22, "label vendors.Vendor"),
                (23, "label home.homepage"),
            ],
        ),
        (
            "commerce",
            [
                (16, "import nexus.api"),
                (20, "get_model vendors.VendorPage"),
                (21, "get_model catalog.Stock"),
                (23, "label home.homepage"),
            ],
        ),
    ],
)
def test_the_check_sees_imports_in_functions_and_lookups_by_name(app, expected):
    violations = module_violations(CATALOG_SOURCE, path=f"{app}/example.py", app=app)
    assert [(v.line, v.target) for v in violations] == expected


def test_no_app_may_import_the_graphql_layer():
    source = "from graphql_api.schema import schema\n"

    violations = module_violations(source, path="commerce/example.py", app="commerce")

    assert [(v.line, v.target) for v in violations] == [(1, "import graphql_api.schema")]
