"""The facts of the register: retention rules, data subjects, processings, purposes (the
recipients are in `recipients`).

A change here is a change of the charter: the charter versions computed from it say so.
"""

from django.utils.translation import gettext_lazy as _

from charte.privacy.register.vocabulary import (
    Anchor,
    LegalBasis,
    Processing,
    Purpose,
    RetentionRule,
    Text,
)

RETENTION_RULES: tuple[RetentionRule, ...] = (
    RetentionRule(
        code="account",
        name=_("L'année scolaire + 3 mois"),
        anchor=Anchor.SCHOOL_YEAR,
        months=3,
        reason=_(
            "Charte, annexe 1 : le compte et ce qu'il contient sont conservés pendant l'année "
            "scolaire de sa création, plus 3 mois ; un renouvellement les reporte à l'année "
            "scolaire suivante."
        ),
    ),
    RetentionRule(
        code="journal",
        name=_("Un an au maximum"),
        anchor=Anchor.ROW_TIME,
        years=1,
        reason=_(
            "Charte, annexe 1 : le journal de sécurité est conservé un an au maximum (RGPD "
            "art. 5 et 32), assez pour retracer une intrusion, pas davantage."
        ),
    ),
    RetentionRule(
        code="accounting",
        name=_("10 ans (pièces comptables)"),
        anchor=Anchor.ROW_TIME,
        years=10,
        reason=_(
            "Code de commerce, art. L123-22 : les pièces comptables sont conservées dix ans ; "
            "seuls les champs qu'exige une facture sont gardés."
        ),
    ),
    RetentionRule(
        code="proof",
        name=_("5 ans après la fin de ce qu'elle prouve"),
        anchor=Anchor.ROW_TIME,
        years=5,
        reason=_(
            "RGPD art. 7.1 et 5.2 : nous devons pouvoir prouver un consentement ou la réponse à "
            "une demande ; 5 ans est le délai de prescription des actions civiles (Code civil, "
            "art. 2224)."
        ),
    ),
    RetentionRule(
        code="unconfirmed_child",
        name=_("14 jours sans consentement d'un responsable légal"),
        anchor=Anchor.ROW_TIME,
        days=14,
        reason=_(
            "RGPD art. 8 et loi Informatique et Libertés art. 45 : sans le consentement d'un "
            "responsable légal sous 14 jours, le compte en attente d'un enfant et tout ce qui le "
            "concerne sont effacés."
        ),
    ),
    RetentionRule(
        code="unconfirmed_sign_up",
        name=_("3 jours sans confirmation de l'adresse e-mail"),
        anchor=Anchor.ROW_TIME,
        days=3,
        reason=_(
            "RGPD art. 5.1.c et 5.1.e : un compte ne s'ouvre qu'une fois son adresse confirmée ; "
            "sans confirmation sous 3 jours (la durée de validité du lien envoyé), le compte en "
            "attente et les choix faits à l'inscription sont effacés."
        ),
    ),
    RetentionRule(
        code="consent_withdrawn",
        name=_("30 jours après le retrait du consentement"),
        anchor=Anchor.ROW_TIME,
        days=30,
        reason=_(
            "RGPD art. 7.3 et 17.1.b : quand un responsable légal retire son consentement, le "
            "compte de l'enfant est fermé aussitôt et plus rien n'est traité ; ses données sont "
            "effacées 30 jours plus tard, le temps pour la famille de récupérer ce qu'elle "
            "souhaite garder (portabilité) ou de revenir sur sa décision."
        ),
    ),
    RetentionRule(
        code="marketing",
        name=_("3 ans après le dernier contact"),
        anchor=Anchor.LAST_ACTIVITY,
        years=3,
        reason=_(
            "Recommandation de la CNIL sur la prospection commerciale : un contact inactif "
            "depuis 3 ans est retiré des listes de diffusion."
        ),
    ),
    RetentionRule(
        code="applications",
        name=_("2 ans après le dernier contact"),
        anchor=Anchor.LAST_ACTIVITY,
        years=2,
        reason=_(
            "Recommandation de la CNIL sur le recrutement : une candidature non retenue est "
            "gardée 2 ans au plus, sauf opposition du candidat."
        ),
    ),
    RetentionRule(
        code="session",
        name=_("Jusqu'à la fin de la session (12 heures au plus)"),
        anchor=Anchor.ROW_TIME,
        reason=_("Nécessaire seulement tant que vous êtes connecté."),
        child_reason=_("Nécessaire seulement tant que sa session est ouverte."),
        pupil_reason=_("Nécessaire seulement tant que ta session est ouverte."),
    ),
    RetentionRule(
        code="technical",
        name=_("30 jours"),
        anchor=Anchor.ROW_TIME,
        days=30,
        reason=_(
            "Traces des tâches d'arrière-plan, gardées pour comprendre une panne, puis supprimées."
        ),
    ),
    RetentionRule(
        code="error_reports",
        name=_("Un an après le signalement"),
        anchor=Anchor.ROW_TIME,
        years=1,
        reason=_(
            "Le temps de traiter un signalement d'erreur, d'y répondre et de vérifier que "
            "l'erreur ne revient pas ; au-delà, il ne sert plus à rien."
        ),
    ),
    RetentionRule(
        code="learning_events",
        name=_("L'année scolaire + 3 mois (15 mois au plus)"),
        anchor=Anchor.ROW_TIME,
        months=15,
        reason=_(
            "Les événements d'apprentissage, sous pseudonyme, servent aux statistiques de "
            "l'année scolaire ; ils sont effacés 15 mois après avoir été enregistrés, et leur "
            "pseudonyme avec eux."
        ),
    ),
    RetentionRule(
        code="class_prints",
        name=_("7 jours"),
        anchor=Anchor.ROW_TIME,
        days=7,
        reason=_(
            "Les rapports individuels d'une classe imprimés en une fois par son enseignant sont "
            "gardés 7 jours, le temps de les télécharger et de les imprimer, puis effacés ; le "
            "rapport d'un élève l'est aussi avec ses données."
        ),
    ),
    RetentionRule(
        code="audience",
        name=_("25 mois"),
        anchor=Anchor.ROW_TIME,
        months=25,
        reason=_(
            "Recommandation de la CNIL sur la mesure d'audience : les données brutes sont "
            "gardées 25 mois au plus, et le cookie qui compte les visites 13 mois au plus."
        ),
    ),
    RetentionRule(
        code="with_account",
        name=_("Aussi longtemps que le compte de la personne concernée"),
        anchor=Anchor.ACCOUNT,
        reason=_("Nécessaire pour rendre le service au compte auquel ces données appartiennent."),
    ),
)

ALL_PLATFORM_SUBJECTS = ("pupil", "parent", "teacher", "school_staff")

DATA_SUBJECTS: dict[str, Text] = {
    "pupil": _("Élèves"),
    "parent": _("Parents"),
    "teacher": _("Enseignants"),
    "school_staff": _("Personnels des établissements"),
    "visitor": _("Visiteurs du site"),
    "staff": _("Personnels de l'éditeur"),
}

PROCESSINGS: tuple[Processing, ...] = (
    Processing(
        code="platform",
        name=_(
            "La plateforme d'apprentissage : votre compte utilisateur et les services auxquels il "
            "donne accès"
        ),
        legal_basis=LegalBasis.CONSENT,
        legal_reference=_(
            "Votre consentement (RGPD art. 6.1.a) ; pour un enfant de moins de 15 ans (âge de la "
            "majorité numérique en France), le consentement d'un titulaire de l'autorité "
            "parentale (RGPD art. 8, loi Informatique et Libertés art. 45)."
        ),
        child_legal_reference=_(
            "Son consentement (RGPD art. 6.1.a) ; pour un enfant de moins de 15 ans (âge de la "
            "majorité numérique en France), le consentement d'un titulaire de l'autorité "
            "parentale (RGPD art. 8, loi Informatique et Libertés art. 45)."
        ),
        pupil_legal_reference=_(
            "Ton consentement (RGPD art. 6.1.a) ; avant 15 ans (l'âge de la majorité numérique "
            "en France), celui d'un de tes parents ou d'un autre titulaire de l'autorité "
            "parentale (RGPD art. 8, loi Informatique et Libertés art. 45)."
        ),
        retention="account",
        data_subjects=ALL_PLATFORM_SUBJECTS,
        annex_row=1,
    ),
    Processing(
        code="security",
        name=_(
            "La gestion du fonctionnement et de la sécurité du site, avec journalisation des "
            "événements"
        ),
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        legal_reference=_(
            "Dispositions réglementaires : RGPD art. 5 et 32 (sécurité du traitement)."
        ),
        retention="journal",
        data_subjects=(*ALL_PLATFORM_SUBJECTS, "visitor", "staff"),
        annex_row=2,
    ),
    Processing(
        code="orders",
        name=_("Les commandes, abonnements, paiements et factures"),
        legal_basis=LegalBasis.CONTRACT,
        legal_reference=_(
            "L'exécution du contrat d'abonnement (RGPD art. 6.1.b) ; les factures sont conservées "
            "en vertu d'une obligation légale (RGPD art. 6.1.c, Code de commerce art. L123-22)."
        ),
        retention="accounting",
        data_subjects=("parent", "teacher", "school_staff"),
    ),
    Processing(
        code="marketing",
        name=_("Les actualités et offres par e-mail"),
        legal_basis=LegalBasis.CONSENT,
        legal_reference=_(
            "Votre consentement (RGPD art. 6.1.a ; Code des postes et des communications "
            "électroniques, art. L34-5)."
        ),
        retention="marketing",
        data_subjects=("parent", "teacher", "school_staff"),
    ),
    Processing(
        code="cookies",
        name=_("Les cookies et autres traceurs"),
        legal_basis=LegalBasis.CONSENT,
        legal_reference=_(
            "Votre consentement (loi Informatique et Libertés, art. 82), sauf pour les cookies "
            "strictement nécessaires au service que vous avez demandé, qui en sont exemptés."
        ),
        child_legal_reference=_(
            "Son consentement (loi Informatique et Libertés, art. 82), sauf pour les cookies "
            "strictement nécessaires au service demandé, qui en sont exemptés."
        ),
        pupil_legal_reference=_(
            "Ton accord (loi Informatique et Libertés, art. 82), sauf pour les cookies "
            "strictement nécessaires au service que tu as demandé, qui n'en ont pas besoin."
        ),
        retention="session",
        data_subjects=(*ALL_PLATFORM_SUBJECTS, "visitor"),
    ),
    Processing(
        code="recruitment",
        name=_("Les candidatures spontanées"),
        legal_basis=LegalBasis.CONTRACT,
        legal_reference=_(
            "Les mesures précontractuelles prises à votre demande (RGPD art. 6.1.b)."
        ),
        retention="applications",
        data_subjects=("visitor",),
    ),
    Processing(
        code="compliance",
        name=_("La preuve des consentements et la réponse à vos demandes sur vos données"),
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        legal_reference=_("RGPD art. 7.1 (preuve du consentement) et art. 12 à 22 (vos droits)."),
        child_legal_reference=_(
            "RGPD art. 7.1 (preuve du consentement) et art. 12 à 22 (ses droits)."
        ),
        pupil_legal_reference=_(
            "RGPD art. 7.1 (preuve du consentement) et art. 12 à 22 (tes droits)."
        ),
        retention="proof",
        data_subjects=(*ALL_PLATFORM_SUBJECTS, "visitor", "staff"),
    ),
)

PURPOSES: tuple[Purpose, ...] = (
    # Annex 1, row 1: the platform.
    Purpose(
        code="account",
        processing="platform",
        name=_("Votre compte et le fonctionnement de la plateforme"),
        description=_(
            "Créer votre compte, vous connecter et faire fonctionner l'ensemble des services "
            "de la plateforme."
        ),
        child_name=_("Son compte et le fonctionnement de la plateforme"),
        child_description=_(
            "Créer son compte, lui permettre de se connecter et faire fonctionner l'ensemble "
            "des services de la plateforme."
        ),
        pupil_name=_("Ton compte et le fonctionnement de la plateforme"),
        pupil_description=_(
            "Créer ton compte, te connecter et faire marcher tous les services de la plateforme."
        ),
    ),
    Purpose(
        code="resources",
        processing="platform",
        name=_("Les ressources pédagogiques"),
        description=_("Vous donner accès aux leçons, exercices et documents du catalogue."),
        child_description=_("Lui donner accès aux leçons, exercices et documents du catalogue."),
        pupil_description=_("Te donner accès aux leçons, exercices et documents du catalogue."),
    ),
    Purpose(
        code="coach",
        processing="platform",
        name=_("Le coach : des parcours personnalisés"),
        description=_(
            "Vous proposer quoi travailler ensuite d'après vos résultats, avec des contenus "
            "connexes. Vous pouvez vous y opposer : le coach propose alors à tous la même chose."
        ),
        child_description=_(
            "Lui proposer quoi travailler ensuite d'après ses résultats, avec des contenus "
            "connexes. Vous pouvez vous y opposer : le coach lui propose alors la même chose "
            "qu'à tous."
        ),
        pupil_description=_(
            "Te proposer quoi travailler ensuite d'après tes résultats, avec des contenus "
            "proches. Tu peux t'y opposer : le coach te propose alors la même chose qu'à tout "
            "le monde."
        ),
        separable=True,
    ),
    Purpose(
        code="evaluation",
        processing="platform",
        name=_("Les résultats et les compétences"),
        description=_(
            "Corriger les exercices, calculer les taux de réussite et le niveau atteint dans "
            "chaque compétence, et les montrer à l'élève, à ses responsables et à ses enseignants."
        ),
    ),
    Purpose(
        code="assignments",
        processing="platform",
        name=_("Le travail donné et les productions"),
        description=_(
            "Le travail donné par les enseignants, le travail rendu par les élèves et les "
            "appréciations des enseignants."
        ),
    ),
    Purpose(
        code="personal_resources",
        processing="platform",
        name=_("Vos ressources personnelles"),
        description=_("Créer, conserver, organiser et réutiliser vos propres ressources."),
        child_name=_("Ses ressources personnelles"),
        child_description=_("Créer, conserver, organiser et réutiliser ses propres ressources."),
        pupil_name=_("Tes ressources personnelles"),
        pupil_description=_("Créer, garder, ranger et réutiliser tes propres ressources."),
    ),
    Purpose(
        code="family_progress",
        processing="platform",
        name=_("Le point de la semaine sur vos enfants, par e-mail"),
        description=_(
            "Chaque semaine, un e-mail par enfant à chaque parent qui l'a demandé : les "
            "exercices faits, leur réussite, les compétences qui ont avancé, le travail rendu "
            "ou en retard. Facultatif ; il s'arrête d'un clic, depuis l'e-mail ou vos "
            "consentements ; jamais envoyé pour un enfant dont le traitement des données "
            "est limité."
        ),
        separable=True,
    ),
    Purpose(
        code="groups",
        processing="platform",
        name=_("Les familles, établissements et classes"),
        description=_(
            "Les comptes famille, où un parent crée et gère les comptes de ses enfants, et le "
            "rattachement des élèves à leur établissement et à leur classe."
        ),
    ),
    Purpose(
        code="error_reports",
        processing="platform",
        name=_("Le signalement d'une erreur"),
        description=_(
            "Recevoir et traiter ce que vous nous signalez par le formulaire de signalement "
            "d'erreur."
        ),
        child_description=_(
            "Recevoir et traiter ce qu'il nous signale par le formulaire de signalement "
            "d'erreur ; notre réponse va à ses parents."
        ),
        pupil_description=_(
            "Recevoir et traiter ce que tu nous signales avec le formulaire de signalement "
            "d'erreur (si tu as moins de 15 ans, notre réponse va à tes parents)."
        ),
    ),
    Purpose(
        code="improvement",
        processing="platform",
        name=_("L'analyse et l'amélioration du service"),
        description=_(
            "Comprendre comment la plateforme est utilisée pour l'améliorer, dans la limite de "
            "votre consentement."
        ),
        child_description=_(
            "Comprendre comment la plateforme est utilisée pour l'améliorer, dans la limite de "
            "votre consentement pour lui."
        ),
        pupil_description=_(
            "Comprendre comment la plateforme est utilisée pour l'améliorer, seulement avec ton "
            "accord (ou celui de tes parents si tu as moins de 15 ans)."
        ),
        separable=True,
    ),
    Purpose(
        code="statistics",
        processing="platform",
        name=_("Les statistiques"),
        description=_(
            "Les rapports individuels de résultats et les rapports anonymisés d'usage de la "
            "plateforme. Ce qu'un élève fait (un exercice, une leçon ouverte, un travail rendu) "
            "y est enregistré sous un pseudonyme calculé avec une clé secrète qui change à "
            "chaque année scolaire, jamais sous son compte. Si vous vous opposez aux "
            "statistiques, vous êtes retiré de tous les rapports, sauf de votre propre rapport "
            "individuel de résultats."
        ),
        child_description=_(
            "Les rapports individuels de résultats et les rapports anonymisés d'usage de la "
            "plateforme. Ce qu'un élève fait (un exercice, une leçon ouverte, un travail rendu) "
            "y est enregistré sous un pseudonyme calculé avec une clé secrète qui change à "
            "chaque année scolaire, jamais sous son compte. Si vous vous y opposez pour lui, il "
            "est retiré de tous les rapports, sauf de son propre rapport individuel de résultats."
        ),
        pupil_description=_(
            "Les bilans de résultats de chaque élève, et des comptes d'usage de la plateforme où "
            "personne n'est nommé. Ce que tu fais (un exercice, une leçon ouverte, un travail "
            "rendu) y est noté sous un nom de code, calculé avec une clé secrète qui change "
            "chaque année scolaire, jamais sous ton compte. Si tu t'opposes aux statistiques, "
            "tu n'apparais plus dans aucun rapport, sauf dans ton propre bilan de résultats."
        ),
    ),
    # Annex 1, row 2: security.
    Purpose(
        code="security_journal",
        processing="security",
        name=_("Le journal d'activité et de sécurité"),
        description=_(
            "Assurer la traçabilité des accès et des actions, la sécurité du service, et "
            "détecter, empêcher ou retracer toute tentative d'intrusion."
        ),
    ),
    # Orders.
    Purpose(
        code="orders",
        processing="orders",
        name=_("Les commandes et abonnements"),
        description=_("Enregistrer vos commandes et abonnements et en garder l'historique."),
    ),
    Purpose(
        code="invoicing",
        processing="orders",
        name=_("Les factures et la comptabilité"),
        description=_("Émettre les factures et les conserver comme la loi l'exige."),
    ),
    # Marketing.
    Purpose(
        code="newsletter",
        processing="marketing",
        name=_("Notre lettre d'information"),
        description=_("Les nouvelles de la plateforme et des nouvelles ressources, par e-mail."),
        separable=True,
    ),
    Purpose(
        code="partner_offers",
        processing="marketing",
        name=_("Les offres de nos partenaires"),
        description=_(
            "Transmettre vos coordonnées à des partenaires de confiance, uniquement avec votre "
            "consentement exprès."
        ),
        separable=True,
    ),
    # Cookies (their categories are detailed by the cookies app).
    Purpose(
        code="cookies",
        processing="cookies",
        name=_("Les cookies et traceurs"),
        description=_("Retenir vos choix en matière de cookies et les appliquer."),
        pupil_description=_("Retenir tes choix en matière de cookies et les appliquer."),
        separable=True,
    ),
    # The categories of cookies and trackers that the banner lists (see COOKIE_CATEGORIES).
    Purpose(
        code="cookies_essential",
        processing="cookies",
        name=_("Le fonctionnement du site"),
        description=_(
            "Garder votre session pendant la visite, protéger les formulaires contre les "
            "tricheurs, retenir la langue choisie. Sans eux, le site ne marche pas : ils ne "
            "demandent pas votre accord."
        ),
        pupil_description=_(
            "Garder ta session pendant la visite, protéger les formulaires contre les "
            "tricheurs, retenir la langue choisie. Sans eux, le site ne marche pas : ils ne "
            "demandent pas ton accord."
        ),
    ),
    Purpose(
        code="cookies_cart",
        processing="cookies",
        name=_("Le panier"),
        description=_(
            "Retenir ce que vous avez mis dans votre panier avant de commander. Il est gardé "
            "avec votre session, sans cookie de plus."
        ),
        pupil_description=_(
            "Retenir ce que tu as mis dans ton panier avant de commander. Il est gardé avec ta "
            "session, sans cookie de plus."
        ),
    ),
    Purpose(
        code="cookies_sign_in",
        processing="cookies",
        name=_("Rester connecté"),
        description=_(
            "Vous garder connecté sur cet appareil pendant 30 jours, même après avoir fermé le "
            "navigateur. Sans votre accord, vous êtes déconnecté quand vous fermez le navigateur."
        ),
        pupil_description=_(
            "Garder ta session ouverte sur cet appareil pendant 30 jours, même après avoir fermé "
            "le navigateur. Sans ton accord, elle se ferme quand tu fermes le navigateur."
        ),
        separable=True,
    ),
    Purpose(
        code="cookies_audience",
        processing="cookies",
        name=_("La mesure d'audience"),
        description=_(
            "Compter les visites et les pages vues, pour savoir ce qui sert et ce qui ne sert "
            "pas. Nous le faisons nous-mêmes : rien ne part chez quelqu'un d'autre."
        ),
        separable=True,
    ),
    Purpose(
        code="cookies_performance",
        processing="cookies",
        name=_("La performance"),
        description=_(
            "Mesurer la vitesse des pages et repérer les erreurs sur votre appareil, pour les "
            "corriger."
        ),
        pupil_description=_(
            "Mesurer la vitesse des pages et repérer les erreurs sur ton appareil, pour les "
            "corriger."
        ),
        separable=True,
    ),
    Purpose(
        code="cookies_journey",
        processing="cookies",
        name=_("L'optimisation du parcours"),
        description=_(
            "Vous proposer des contenus qui vous correspondent, d'après ce que vous faites sur "
            "le site, et améliorer nos produits. Vous pouvez choisir chaque usage un par un."
        ),
        pupil_description=_(
            "Te proposer des contenus qui te correspondent, d'après ce que tu fais sur le site, "
            "et améliorer nos produits. Tu peux choisir chaque usage un par un."
        ),
        separable=True,
    ),
    Purpose(
        code="cookies_advertising",
        processing="cookies",
        name=_("La publicité personnalisée"),
        description=_(
            "Choisir les publicités montrées selon vos centres d'intérêt, et mesurer si elles "
            "marchent. Vous pouvez choisir chaque usage un par un."
        ),
        pupil_description=_(
            "Choisir les publicités montrées selon tes centres d'intérêt, et mesurer si elles "
            "marchent. Tu peux choisir chaque usage un par un."
        ),
        separable=True,
    ),
    Purpose(
        code="cookies_social",
        processing="cookies",
        name=_("Les réseaux sociaux"),
        description=_(
            "Afficher des vidéos et des publications venues de réseaux sociaux. Ces sites "
            "peuvent alors savoir que vous êtes venu ici. Sans votre accord, nous montrons un "
            "simple bouton à la place."
        ),
        pupil_description=_(
            "Afficher des vidéos et des publications venues de réseaux sociaux. Ces sites "
            "peuvent alors savoir que tu as visité notre site. Sans ton accord, nous montrons un "
            "simple bouton à la place."
        ),
        separable=True,
    ),
    # Compliance.
    Purpose(
        code="consent_proof",
        processing="compliance",
        name=_("La preuve du consentement"),
        description=_("Garder qui a consenti à quoi, quand, et après avoir lu quel texte."),
    ),
    Purpose(
        code="reviews",
        processing="marketing",
        name=_("Votre avis sur la plateforme"),
        description=_(
            "Vous inviter nous-mêmes, par e-mail, à donner votre avis sur la plateforme, "
            "uniquement si vous l'avez accepté ; chaque invitation porte un lien pour ne plus "
            "en recevoir. Votre adresse ne part chez aucun partenaire."
        ),
        separable=True,
    ),
    Purpose(
        code="job_applications",
        processing="recruitment",
        name=_("Les candidatures"),
        description=_("Recevoir et étudier les candidatures spontanées, par notre partenaire."),
    ),
    Purpose(
        code="debt_collection",
        processing="orders",
        name=_("Le recouvrement des impayés"),
        description=_("Confier une facture restée impayée à un organisme de recouvrement."),
    ),
    Purpose(
        code="authority_requests",
        processing="compliance",
        name=_("Les demandes des autorités"),
        description=_(
            "Répondre aux demandes des organismes publics et des auxiliaires de justice, "
            "uniquement quand la loi nous y oblige."
        ),
    ),
    Purpose(
        code="subject_requests",
        processing="compliance",
        name=_("La réponse à vos demandes"),
        description=_(
            "Traiter vos demandes d'accès, de rectification, d'effacement et vos autres droits."
        ),
        child_name=_("La réponse aux demandes sur ses données"),
        child_description=_(
            "Traiter les demandes d'accès à ses données, de rectification, d'effacement, et "
            "l'exercice de ses autres droits."
        ),
        pupil_name=_("La réponse à tes demandes"),
        pupil_description=_(
            "Traiter tes demandes : voir tes données, les corriger, les effacer, et tes autres "
            "droits."
        ),
    ),
)

# Indexes by code, built once.
PROCESSING_BY_CODE = {p.code: p for p in PROCESSINGS}
PURPOSE_BY_CODE = {p.code: p for p in PURPOSES}
RETENTION_BY_CODE = {r.code: r for r in RETENTION_RULES}
