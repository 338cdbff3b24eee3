from bench import banner_size


def test_the_banner_weighs_at_most_8_kb_gzipped_with_its_french_texts(capsys):
    sizes = banner_size.measure()
    banner_size.main()

    assert sizes["total"] <= banner_size.BUDGET, capsys.readouterr().out
    assert sizes["banner HTML (French)"] > 1000  # the texts are counted, not left out
