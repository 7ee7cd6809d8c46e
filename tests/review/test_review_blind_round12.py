"""What blind round 12 (bench/blind/round12) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

from advisor.review.addresses import pod_ip_literals


def test_a_network_written_with_its_mask_is_a_range_not_a_pod():
    config = 'server 10.240.0.0 255.255.0.0\npush "route 10.3.0.0 255.255.0.0"\nifconfig 10.8.0.1 netmask 255.255.255.0\n'
    assert pod_ip_literals(config) == []


def test_an_address_with_no_mask_after_it_is_still_found():
    assert pod_ip_literals("remote 10.244.1.5 1194\n") == ["10.244.1.5"]
