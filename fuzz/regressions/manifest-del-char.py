requests.get("https://cc.voiso.com/api/v4/voice/calls?key=abc")
