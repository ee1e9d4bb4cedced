"""Import smoke tests (kind ``smoke``): the module imports, and each changed symbol exists after import."""

from __future__ import annotations

from ato_runner.plan import TargetFile

from .locate import ModuleLocation
from .testfile import GeneratedTestFile, file_name, target_id


def smoke_tests(target: TargetFile, location: ModuleLocation) -> GeneratedTestFile:
    """One import test for the module, plus one existence test per changed symbol. Only for a module that
    imported in the inspection: one that does not gets a problem instead (``import_check``)."""
    out = GeneratedTestFile(file_name(location.module, "smoke"), "smoke", target.path, location)
    name = out.new_test_name("import")
    out.add_test(name, target_id(target.path, None), f"def {name}():\n    _module()\n")
    for symbol in target.symbols:
        name = out.new_test_name(f"has_{symbol.name}")
        out.add_test(
            name,
            target_id(target.path, symbol.name),
            f"def {name}():\n    _resolve({symbol.name!r})\n",
        )
    return out
