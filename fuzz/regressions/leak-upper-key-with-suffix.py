requests.get("https://cc.voiso.com/api/v2/cdr?key=A12BAAE900C72723017EEE1BF5EB252DA55A52B8C4AFD5AC_PROD")
