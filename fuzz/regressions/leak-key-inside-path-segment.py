requests.get("https://cc.voiso.com/api/v1/key=f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a59687/unknown_thing")
