"""The catalogue: validated descriptions, immutable versions, publishing, public search and
OB 3.0 Achievement JSON."""

from __future__ import annotations

import json

import pytest
import yaml
from service_support import DESCRIPTION, Env

from microcred.errors import SpecValidationError
from microcred.service import catalogue
from microcred.service.errors import Conflict, NotFound
from microcred.service.ports import CatalogueQuery


def test_an_invalid_description_lists_every_problem() -> None:
    env = Env()
    _, owner = env.organisation()
    data = yaml.safe_load(DESCRIPTION)
    del data["learning_outcomes"]
    data["level"] = {"eqf": 11}
    with pytest.raises(SpecValidationError) as caught:
        catalogue.create_entry(owner, description=data, **env.writes)
    text = "; ".join(caught.value.problems)
    assert "learning outcomes" in text
    assert "level" in text
    assert env.store.tables.entries == {}


def test_edits_make_versions_and_publishing_picks_one() -> None:
    env = Env()
    _, owner = env.organisation()
    entry, v1 = catalogue.create_entry(owner, description=DESCRIPTION, **env.writes)
    assert (entry.slug, v1.version, v1.published_at) == ("data-protection-by-design", 1, None)
    edited = yaml.safe_load(DESCRIPTION) | {"tags": ["GDPR", "edited"]}
    v2 = catalogue.add_version(owner, entry.id, description=edited, **env.writes)
    assert v2.version == 2
    assert catalogue.get_version(owner, v1.id, uow=env.uow).description == v1.description
    assert [v.version for v in catalogue.list_versions(owner, entry.id, uow=env.uow)] == [1, 2]
    with pytest.raises(NotFound):
        catalogue.public_version(v2.id, uow=env.uow)
    catalogue.publish_version(owner, v2.id, **env.writes)
    assert catalogue.get_entry(owner, entry.id, uow=env.uow).published_version == 2
    assert catalogue.public_version(v2.id, uow=env.uow).description["tags"] == ["GDPR", "edited"]
    with pytest.raises(Conflict):
        catalogue.create_entry(owner, description=DESCRIPTION, **env.writes)


def test_public_search() -> None:
    env = Env()
    _, galway = env.organisation()
    _, other = env.organisation("Other College")
    env.published(galway)
    data = yaml.safe_load(DESCRIPTION)
    data |= {
        "id": "cyber-basics",
        "title": {"en": "Cyber Basics"},
        "level": {"eqf": 4},
        "workload": {"ects": 2},
        "participation": "in-person",
        "languages": ["fr"],
    }
    env.published(other, data)

    def titles(**criteria: object) -> list[str]:
        query = CatalogueQuery(**criteria)  # type: ignore[arg-type]
        found = catalogue.search_catalogue(query, uow=env.uow)
        return sorted(v.description["title"]["en"] for v in found)

    assert titles() == ["Cyber Basics", "Data Protection by Design"]
    assert titles(text="cyber") == ["Cyber Basics"]
    assert titles(text="GALWAY") == ["Cyber Basics", "Data Protection by Design"]  # awarding body
    assert titles(organisation_id=other.organisation_id) == ["Cyber Basics"]
    assert titles(eqf_level=6) == ["Data Protection by Design"]
    assert titles(ects_min=3) == ["Data Protection by Design"]
    assert titles(ects_max=2) == ["Cyber Basics"]
    assert titles(language="fr") == ["Cyber Basics"]
    assert titles(participation="online") == ["Data Protection by Design"]
    assert titles(participation="nonsense") == []
    assert titles(esco_skill="http://data.europa.eu/esco/skill/none") == []


def test_achievement_json_is_the_achievement_the_credentials_carry() -> None:
    env = Env()
    _, owner = env.organisation()
    version = env.published(owner)
    award = env.issue(owner, version)
    achievement = catalogue.achievement_json(version.id, uow=env.uow, base_url=env.base_url)
    assert achievement == json.loads(award.credential)["credentialSubject"]["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["id"] == f"https://issuer.example/achievements/{version.id}"
