"""The EU vocabulary labels offered to the message catalogues (Babel extraction method)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from microcred.core.model import vocabularies
from microcred.core.model.vocabulary_labels import extract, labels


def test_every_concept_label_is_listed_once() -> None:
    found = labels()
    assert len(found) == len(set(found))
    assert {"Level 6", "Presential", "written examination", "third cycle"} <= set(found)
    assert vocabularies.label_of(vocabularies.ECTS) in found


def test_extraction_points_each_label_at_its_line_in_the_vocabulary_module() -> None:
    source = Path(vocabularies.__file__).read_bytes()
    lines = source.decode("utf-8").splitlines()
    extracted = list(extract(BytesIO(source), {}, [], {}))
    assert [message for _, _, message, _ in extracted] == labels()
    for line, function, message, comments in extracted:
        assert function is None
        assert comments and comments[0].startswith("EU vocabulary concept label")
        if line:
            assert f'"{message}"' in lines[line - 1]
    presential = next(row for row in extracted if row[2] == "Presential")
    assert presential[0] > 0
    assert presential[3] == ["EU vocabulary concept label (form of participation)"]
