def test_login_and_list_pools(api, make_user):
    alice = make_user("alice")
    response = api.get("/pools", as_=alice)
    assert response.status_code == 200, response.json
    assert response.json["data"][0]["is_default"] is True
