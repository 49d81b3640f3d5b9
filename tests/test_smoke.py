def test_agent_records_a_complaint_through_the_api(api):
    r = api("agent").post(
        "/complaints",
        {
            "title": "冰箱漏水",
            "channel": "phone",
            "customer": {"name": "张三", "phone": "13812341234"},
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["number"].startswith("KS-")
    assert body["customer"]["phone"] == "138****1234"
    assert body["received_at"].endswith("+08:00")
