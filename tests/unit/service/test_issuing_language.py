"""The learner's language given at issuance: kept with the award, used for the claim e-mail."""

from __future__ import annotations

import pytest
from service_support import LEARNER, Env

from microcred.errors import SpecValidationError
from microcred.service.claims import mail_language
from microcred.service.issuing import IssueRequest, issue_batch


def test_the_language_given_at_issuance_is_kept_and_chosen_for_the_claim_mail() -> None:
    env = Env()
    _, owner = env.organisation()
    version = env.published(owner)
    award = env.issue(owner, version, learner=LEARNER, language="de")
    assert award.learner["language"] == "de"
    assert mail_language(award) == "de"
    assert "language" not in env.issue(owner, version, learner=LEARNER).learner


def test_bulk_rows_carry_their_language() -> None:
    env = Env()
    _, owner = env.organisation()
    version = env.published(owner)
    rows = [
        IssueRequest({"name": "Zoé", "email": "zoe@example.fr"}, row_key="1", language="fr-BE"),
        IssueRequest({"name": "Ola", "email": "ola@example.pl"}, row_key="2"),
    ]
    result = issue_batch(owner, version_id=version.id, rows=rows, **env.issues)
    assert [a.learner.get("language") for a in result.issued] == ["fr-BE", None]
    assert mail_language(result.issued[0]) == "fr"


def test_a_language_that_is_not_a_bcp47_tag_is_refused_by_name() -> None:
    env = Env()
    _, owner = env.organisation()
    version = env.published(owner)
    with pytest.raises(SpecValidationError, match="language: 'French!' is not a BCP 47"):
        env.issue(owner, version, learner=LEARNER, language="French!")
