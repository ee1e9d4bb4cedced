import pytest

from ato_harness.locate import ModuleLocation, NotAModule, locate_module, syntax_error


def make(tmp_path, *files):
    for f in files:
        path = tmp_path / f
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    return tmp_path


def test_flat_package(tmp_path):
    tree = make(tmp_path, "pkg/__init__.py", "pkg/sub/__init__.py", "pkg/sub/calc.py")
    assert locate_module(tree, "pkg/sub/calc.py") == ModuleLocation("pkg.sub.calc", ("",))


def test_src_layout(tmp_path):
    tree = make(tmp_path, "src/pkg/__init__.py", "src/pkg/calc.py")
    assert locate_module(tree, "src/pkg/calc.py") == ModuleLocation("pkg.calc", ("src", ""))


def test_top_level_module(tmp_path):
    tree = make(tmp_path, "calc.py")
    assert locate_module(tree, "calc.py") == ModuleLocation("calc", ("",))


def test_plain_folder_is_a_namespace_package_with_its_folder_on_the_path(tmp_path):
    tree = make(tmp_path, "scripts/tool.py")
    assert locate_module(tree, "scripts/tool.py") == ModuleLocation("scripts.tool", ("", "scripts"))


def test_package_init_is_the_package(tmp_path):
    tree = make(tmp_path, "pkg/__init__.py")
    assert locate_module(tree, "pkg/__init__.py") == ModuleLocation("pkg", ("",))


@pytest.mark.parametrize("path", ["my-script.py", "notes.txt", "__init__.py", "2fast/x.py"])
def test_files_without_a_module_name(tmp_path, path):
    make(tmp_path, path)
    with pytest.raises(NotAModule):
        locate_module(tmp_path, path)


def test_syntax_error_gives_line_and_message():
    assert syntax_error("x = 1\n", "a.py") is None
    line, message = syntax_error("x = 1\ndef f(:\n    pass\n", "a.py")
    assert line == 2 and message
    assert syntax_error("x = '\0'\0", "a.py") is not None
