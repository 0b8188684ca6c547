// The words for the codes the report's tables use, in Dutch and English (`ReportText.label`).

extension ReportText {
    /// The words for the codes the tables use: column names, stratum variables, roles, answer
    /// bands, sources, file statuses, censoring reasons, event dates and product-category sets.
    package static let codes: [String: (nl: String, en: String)] = [
        // stratum variables
        "all": ("alle deelnames", "all entries"),
        "role": ("rol", "role"),
        "group_type": ("soort groep", "group type"),
        "organisation": ("organisatie", "organisation"),
        "district": ("wijk", "district"),
        "index_year": ("jaar van de indexdatum", "year of the index date"),
        "participant_role": ("wie deelnam", "who took part"),
        // roles
        "jongere": ("jongere", "young person"),
        "opvoeder": ("opvoeder", "parent or carer"),
        // answer bands
        "disagree": ("(helemaal) niet mee eens", "(strongly) disagree"),
        "neutral": ("neutraal", "neutral"),
        "agree": ("(helemaal) mee eens", "(strongly) agree"),
        "no_answer": ("geen antwoord", "no answer"),
        // columns
        "step": ("stap", "step"),
        "reason": ("reden", "reason"),
        "entries": ("deelnames", "entries"),
        "persons": ("personen", "persons"),
        "excluded_entries": ("uitgesloten deelnames", "excluded entries"),
        "excluded_persons": ("uitgesloten personen", "excluded persons"),
        "horizon_days": ("dag", "horizon (days)"),
        "n_followed": ("nog gevolgd", "still followed"),
        "n_events": ("hulp gekregen", "received care"),
        "n_competing": ("18 jaar of overleden", "reached the age limit or died"),
        "n_censored": ("niet verder gevolgd", "follow-up ended"),
        "events": ("hulp gekregen", "received care"),
        "person_years": ("persoonsjaren", "person-years"),
        "rate_per_100py": ("per 100 persoonsjaren", "per 100 person-years"),
        "ci_low": ("95%-interval van", "95% CI from"),
        "ci_high": ("95%-interval tot", "95% CI to"),
        "before_yes_after_yes": ("ervoor wel, erna wel", "before yes, after yes"),
        "before_yes_after_no": ("ervoor wel, erna niet", "before yes, after no"),
        "before_no_after_yes": ("ervoor niet, erna wel", "before no, after yes"),
        "before_no_after_no": ("ervoor niet, erna niet", "before no, after no"),
        "p_mcnemar": ("p-waarde (McNemar)", "p-value (McNemar)"),
        "prop_before": ("aandeel met hulp ervoor", "share with care before"),
        "prop_after": ("aandeel met hulp erna", "share with care after"),
        "wave": ("meting", "wave"),
        "eligible": ("konden invullen", "eligible"),
        "respondents": ("hebben ingevuld", "responded"),
        "response_rate": ("respons", "response rate"),
        "item": ("stelling", "statement"),
        "band": ("antwoord in meting 1", "answer in wave 1"),
        "at_risk": ("in de risicogroep", "at risk"),
        "t_days": ("dag", "day"),
        // sources and file statuses
        "registrations": ("registraties (groepsdeelnames)", "registrations (group episodes)"),
        "questionnaire": ("vragenlijst (Ervaringwijzer)", "questionnaire (Ervaringwijzer)"),
        "decisions": ("beschikkingen", "decisions"),
        "family": ("gezinsrelaties", "family links"),
        "loaded": ("ingelezen", "loaded"),
        "already_loaded": ("eerder ingelezen", "loaded before"),
        "rejected": ("geweigerd", "refused"),
        "superseded": ("vervangen door een nieuwere levering", "replaced by a newer delivery"),
        // censoring reasons and competing events
        "end_of_data": ("peildatum bereikt", "cut-off date reached"),
        "age_limit": ("18 geworden", "reached the age limit"),
        "death": ("overleden", "died"),
        // event dates
        "start_date": ("de startdatum van de hulp", "the start date of care"),
        "decision_date": ("de datum van het besluit", "the decision date"),
        // product-category sets
        "individual-youth-care": ("individuele jeugdhulp", "individual youth care"),
        "ancillary": ("ondersteunende diensten", "ancillary services"),
        "justice": ("jeugdbescherming en jeugdreclassering", "child protection and youth probation"),
    ]
}
