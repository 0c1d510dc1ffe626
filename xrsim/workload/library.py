"""Finding and loading models and scenarios, built-in (by name) or from files (by path)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from xrsim.errors import SpecError
from xrsim.specio import (
    builtin_dir,
    content_digest,
    expect_kind,
    is_file,
    names_a_path,
    read_yaml,
    resolve_ref,
    validate_spec,
)
from xrsim.workload.model import Model
from xrsim.workload.scenario import Scenario, ScenarioSpec


def builtin_models_dir() -> Path:
    return builtin_dir("workloads") / "models"


def builtin_scenarios_dir() -> Path:
    return builtin_dir("workloads") / "scenarios"


def list_models() -> list[str]:
    return sorted(p.stem for p in builtin_models_dir().glob("*.yaml"))


def list_scenarios() -> list[str]:
    return sorted(p.stem for p in builtin_scenarios_dir().glob("*.yaml"))


def load_model_file(path: Path) -> Model:
    """A model file, parsed once per content: scenarios share their models, and a sweep
    loads the same scenarios again and again. An .onnx file is imported (the ``onnx`` extra)."""
    if path.suffix.lower() == ".onnx":
        from xrsim.workload.onnx_import import load_onnx_model

        return load_onnx_model(path)
    return _load_model_file(path, content_digest(path))


@functools.lru_cache(maxsize=256)
def _load_model_file(path: Path, digest: str) -> Model:
    return validate_spec(Model, read_yaml(path), path)


def load_model(ref: str | Path) -> Model:
    """A built-in model by name, or a model file by path."""
    return load_model_file(resolve_ref(ref, builtin_models_dir(), "model"))


def _model_dirs(scenario_path: Path, extra: Sequence[Path]) -> list[Path]:
    here = scenario_path.resolve().parent
    dirs = [*extra, here / "models", here.parent / "models", builtin_models_dir()]
    unique: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


def load_scenario_file(path: Path, model_dirs: Sequence[Path] = ()) -> Scenario:
    """Load a scenario and the models it names.

    A model named by a name is looked up as ``<name>.yaml`` in ``model_dirs``, then in
    ``models/`` beside the scenario file and beside its folder, then among the built-in
    models. A model named by a path (``nets/mynet.yaml``, relative to the scenario file, or
    absolute) is that file; the scenario then calls it by the model's own name, and its
    cascades may name it by the same path.
    """
    spec, by_path = _by_model_names(_scenario_spec(path, content_digest(path)), path)
    dirs = _model_dirs(path, [Path(d) for d in model_dirs])
    models: dict[str, Model] = {}
    files: dict[str, Path] = {}
    for i, use in enumerate(spec.models):
        if use.model in by_path:
            models[use.model], files[use.model] = by_path[use.model]
            continue
        found = next((d / f"{use.model}.yaml" for d in dirs if is_file(d / f"{use.model}.yaml")), None)
        if found is None:
            raise SpecError(
                path,
                f"models[{i}].model",
                f"unknown model '{use.model}': no {use.model}.yaml in "
                + ", ".join(str(d) for d in dirs),
            )
        model = load_model_file(found)
        if model.name != use.model:
            raise SpecError(found, "name", f"expected '{use.model}' (the file's name), got "
                                           f"'{model.name}'")
        models[use.model] = model
        files[use.model] = found
    return Scenario(spec=spec, models=models, path=path, model_files=files)


@functools.lru_cache(maxsize=256)
def _scenario_spec(path: Path, digest: str) -> ScenarioSpec:
    """A scenario file's spec, parsed once per content (its models are found afresh)."""
    data = read_yaml(path)
    expect_kind(data, path, "scenario")
    return validate_spec(ScenarioSpec, data, path)


def _by_model_names(spec: ScenarioSpec, path: Path
                    ) -> tuple[ScenarioSpec, dict[str, tuple[Model, Path]]]:
    """The spec with every model given by path called by its own name, in its models and
    its cascades alike; and those models, loaded, with their files."""
    loaded: dict[str, tuple[Model, Path]] = {}
    renames: dict[str, str] = {}
    for i, use in enumerate(spec.models):
        if not names_a_path(use.model):
            continue
        file = Path(use.model).expanduser()
        file = file if file.is_absolute() else path.parent / file
        if not is_file(file):
            raise SpecError(path, f"models[{i}].model", f"no such model file: {file}")
        model = load_model_file(file)
        if model.name in loaded:
            raise SpecError(path, f"models[{i}].model",
                            f"{file} and {loaded[model.name][1]} are both called '{model.name}': rename "
                            "one file (or import it with `import-onnx --name` and name the .yaml)")
        renames[use.model] = model.name
        loaded[model.name] = (model, file)
    if not renames:
        return spec, loaded
    data = spec.model_dump(mode="json", by_alias=True)
    for use in data["models"]:
        use["model"] = renames.get(use["model"], use["model"])
    for cascade in data["cascades"]:
        cascade["from"] = renames.get(cascade["from"], cascade["from"])
        cascade["to"] = renames.get(cascade["to"], cascade["to"])
    return validate_spec(ScenarioSpec, data, path), loaded


def load_scenario(ref: str | Path, model_dirs: Sequence[Path] = ()) -> Scenario:
    """A built-in scenario by name, or a scenario file by path."""
    path = resolve_ref(ref, builtin_scenarios_dir(), "scenario")
    return load_scenario_file(path, model_dirs)
