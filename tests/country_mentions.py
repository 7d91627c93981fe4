"""How people name the countries of the directory, per language, as they write.

Written by hand from how people write (not copied from the resolver's tables):
each phrase carries the language's own article or preposition ("no Brasil",
"au Pérou", "en Haïti", "nos Estados Unidos", "in the US"); Quechua and
Guarani put it on the word ("Piruwpi", "Paraguáipe"). Kreyòl, Quechua and
Guarani spellings are drafts, like those catalogs. ``variants`` adds what phones
do to them: no accents, all lower case, all capitals.
"""

from __future__ import annotations

from bot.normalize import strip_accents

# Language -> country -> phrases naming it, the way a person would.
MENTIONS: dict[str, dict[str, list[str]]] = {
    "en": {
        "US": ["in the United States", "in the US", "the USA", "in America"],
        "CA": ["in Canada"],
        "MX": ["in Mexico", "México"],
        "GT": ["in Guatemala"],
        "HN": ["in Honduras"],
        "SV": ["in El Salvador"],
        "CO": ["in Colombia"],
        "PE": ["in Peru"],
        "BO": ["in Bolivia"],
        "PY": ["in Paraguay"],
        "BR": ["in Brazil"],
        "AR": ["in Argentina"],
        "CL": ["in Chile"],
        "DO": ["in the Dominican Republic"],
        "HT": ["in Haiti"],
    },
    "es": {
        "US": ["en Estados Unidos", "en los Estados Unidos", "en EE.UU.", "EEUU"],
        "CA": ["en Canadá"],
        "MX": ["en México", "Méjico"],
        "GT": ["en Guatemala"],
        "HN": ["en Honduras"],
        "SV": ["en El Salvador"],
        "CO": ["en Colombia"],
        "PE": ["en el Perú", "Perú"],
        "BO": ["en Bolivia"],
        "PY": ["en Paraguay"],
        "BR": ["en Brasil"],
        "AR": ["en la Argentina", "Argentina"],
        "CL": ["en Chile"],
        "DO": ["en República Dominicana", "en la República Dominicana", "en RD"],
        "HT": ["en Haití"],
    },
    "pt": {
        "US": ["nos Estados Unidos", "nos EUA"],
        "CA": ["no Canadá"],
        "MX": ["no México"],
        "GT": ["na Guatemala"],
        "HN": ["em Honduras"],
        "SV": ["em El Salvador"],
        "CO": ["na Colômbia"],
        "PE": ["no Peru"],
        "BO": ["na Bolívia"],
        "PY": ["no Paraguai"],
        "BR": ["no Brasil"],
        "AR": ["na Argentina"],
        "CL": ["no Chile"],
        "DO": ["na República Dominicana"],
        "HT": ["no Haiti"],
    },
    "fr": {
        "US": ["aux États-Unis", "aux USA"],
        "CA": ["au Canada"],
        "MX": ["au Mexique"],
        "GT": ["au Guatemala"],
        "HN": ["au Honduras"],
        "SV": ["au Salvador", "en El Salvador"],
        "CO": ["en Colombie"],
        "PE": ["au Pérou"],
        "BO": ["en Bolivie"],
        "PY": ["au Paraguay"],
        "BR": ["au Brésil"],
        "AR": ["en Argentine"],
        "CL": ["au Chili"],
        "DO": ["en République dominicaine"],
        "HT": ["en Haïti", "à Haïti"],
    },
    "ht": {
        "US": ["Ozetazini", "nan Etazini"],
        "CA": ["nan Kanada"],
        "MX": ["nan Meksik"],
        "GT": ["nan Gwatemala"],
        "HN": ["nan Ondiras"],
        "SV": ["nan El Salvador"],
        "CO": ["nan Kolonbi"],
        "PE": ["nan Pewou"],
        "BO": ["nan Bolivi"],
        "PY": ["nan Paragwe"],
        "BR": ["nan Brezil"],
        "AR": ["nan Ajantin"],
        "CL": ["nan Chili"],
        "DO": ["nan Repiblik Dominikèn", "Sendomeng"],
        "HT": ["an Ayiti", "nan Ayiti"],
    },
    "qu": {
        "US": ["Estados Unidospi"],
        "CA": ["Kanadapi"],
        "MX": ["Mishikupi", "Méxicopi"],
        "GT": ["Guatemalapi"],
        "HN": ["Honduraspi"],
        "SV": ["El Salvadorpi"],
        "CO": ["Kolombiyapi", "Colombiapi"],
        "PE": ["Piruwpi", "Perúpim"],
        "BO": ["Buliwyapi", "Boliviapi"],
        "PY": ["Paraguaypi"],
        "BR": ["Brasilpi"],
        "AR": ["Arhintinapi", "Argentinapi"],
        "CL": ["Chilipi"],
        "DO": ["República Dominicanapi"],
        "HT": ["Haitípi"],
    },
    "gn": {
        "US": ["Estados Unídospe"],
        "CA": ["Kanadápe"],
        "MX": ["Méxicope", "Méhikope"],
        "GT": ["Guatemálape"],
        "HN": ["Hondúrape"],
        "SV": ["El Salvador-pe"],
        "CO": ["Kolómbiape"],
        "PE": ["Perũme", "Perúpe"],
        "BO": ["Volíviape", "Bolíviape"],
        "PY": ["Paraguáipe"],
        "BR": ["Brasilpe"],
        "AR": ["Argentínape"],
        "CL": ["Chílepe"],
        "DO": ["República Dominicana-pe"],
        "HT": ["Haitípe"],
    },
    # K'iche' says "in" with a word before the name ("pa Guatemala"); Aymara
    # puts it on the word, like Quechua ("Bolivian(a)", "Perun(a)").
    "quc": {
        "US": ["pa Estados Unidos", "pa el norte Estados Unidos"],
        "CA": ["pa Canadá"],
        "MX": ["pa México", "pa Mexico"],
        "GT": ["pa Guatemala", "pa Iximulew"],
        "HN": ["pa Honduras"],
        "SV": ["pa El Salvador"],
        "CO": ["pa Colombia"],
        "PE": ["pa Perú"],
        "BO": ["pa Bolivia"],
        "PY": ["pa Paraguay"],
        "BR": ["pa Brasil"],
        "AR": ["pa Argentina"],
        "CL": ["pa Chile"],
        "DO": ["pa República Dominicana"],
        "HT": ["pa Haití"],
    },
    "ay": {
        "US": ["Estados Unidosana"],
        "CA": ["Canadana"],
        "MX": ["Méxicona"],
        "GT": ["Guatemalana"],
        "HN": ["Hondurasana"],
        "SV": ["El Salvadorana"],
        "CO": ["Colombiana"],
        "PE": ["Perúna", "Perutha"],
        "BO": ["Boliviana", "Bolivian"],
        "PY": ["Paraguayna"],
        "BR": ["Brasilana"],
        "AR": ["Argentinana"],
        "CL": ["Chilena"],
        "DO": ["República Dominicanana"],
        "HT": ["Haitína"],
    },
}


def variants(phrase: str) -> list[str]:
    """The phrase as written, without accents, in lower case and in capitals."""
    forms = [phrase, strip_accents(phrase), phrase.lower(), phrase.upper()]
    forms.append(strip_accents(phrase).lower())
    return list(dict.fromkeys(forms))


def all_mentions() -> list[tuple[str, str, str]]:
    """(language, code, text) for every phrase and every variant of it."""
    return [
        (language, code, form)
        for language, countries in MENTIONS.items()
        for code, phrases in countries.items()
        for phrase in phrases
        for form in variants(phrase)
    ]
