/* The workshop's accounts. See svc.h. */
#include "svc/svc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"

#define USER_NAME_MAX 63

/* Letters, digits, '.', '-', '_'; 1 to USER_NAME_MAX of them, starting with a letter or
 * a digit (a name that starts with '-' would read as an option on a command line). */
static int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > USER_NAME_MAX || s[0] == '-' || s[0] == '.' || s[0] == '_')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

static json_t *user_json(const struct store_user *u)
{
	return json_pack("{s:s, s:s, s:b}", "name", u->name, "role", role_name(u->role), "active",
			 u->active);
}

enum svc_err svc_user_add(struct bench *b, const char *name, const char *role_word, json_t **view)
{
	struct store_user u = { 0 };
	enum store_err err;
	enum role role;

	*view = NULL;
	if (!valid_name(name))
		return svc_fail(b, SVC_EINVAL,
				"'%s' is not a name: use 1 to %d letters, digits, '.', '-' or '_', "
				"starting with a letter or a digit",
				name, USER_NAME_MAX);
	if (!role_parse(role_word, &role))
		return svc_fail(b, SVC_EINVAL, "role '%s' is not trainee, instructor or admin",
				role_word);
	err = store_user_add(b->st, name, role, clock_wall_ms(), &u.id);
	if (err == STORE_EEXIST)
		return svc_fail(b, SVC_ESTATE, "'%s' already exists", name);
	if (err)
		return svc_store_fail(b, err, "add the user");
	snprintf(u.name, sizeof(u.name), "%s", name);
	u.role = role;
	u.active = 1;
	*view = user_json(&u);
	return SVC_OK;
}

enum svc_err svc_user_list(struct bench *b, json_t **view)
{
	struct store_user *users = NULL;
	size_t n = 0;
	enum store_err err = store_user_list(b->st, &users, &n);

	*view = NULL;
	if (err)
		return svc_store_fail(b, err, "list the users");
	*view = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(*view, user_json(&users[i]));
	free(users);
	return SVC_OK;
}

enum svc_err svc_user_set_active(struct bench *b, const char *name, int active, json_t **view)
{
	struct store_user u;
	enum store_err err = store_user_set_active(b->st, name, active);

	*view = NULL;
	if (err == STORE_ENOENT)
		return svc_fail(b, SVC_ENOENT, "no user '%s' (atelier user list)", name);
	if (err)
		return svc_store_fail(b, err, "change the user");
	if (store_user_find(b->st, name, &u) != STORE_OK)
		return svc_store_fail(b, STORE_EINTERNAL, "read the user again");
	*view = user_json(&u);
	return SVC_OK;
}
