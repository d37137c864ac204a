/* The rows the programme's report is counted from (store.h: store_programme_rows). */
#include <string.h>

#include "store/db.h"
#include "store/store.h"
#include "store/store_int.h"

/* A job approved: its latest submission graded, and that grade approves it. */
#define APPROVED                                                                          \
	"j.state = 'submitted' AND j.graded_ms = j.submitted_ms AND g.verdict = 'approved' " \
	"AND g.id = (SELECT MAX(id) FROM grade WHERE job_id = j.id)"

/* Every row, one kind after another; ?1 and ?2 are the period [from, to). */
static const char sql[] =
	/* Devices first seen in the period. */
	"SELECT 'received', d.id, d.first_seen_ms, 0, NULL, NULL, 0 FROM device d "
	"WHERE d.first_seen_ms >= ?1 AND d.first_seen_ms < ?2 "
	/* Devices certified in the period (once each, at their first certificate in it). */
	"UNION ALL SELECT 'certified', c.device_id, MIN(c.issued_ms), 0, NULL, NULL, 0 "
	"FROM certificate c WHERE c.issued_ms >= ?1 AND c.issued_ms < ?2 GROUP BY c.device_id "
	/* Sales and donations. */
	"UNION ALL SELECT CASE s.channel WHEN 'donation' THEN 'donated' ELSE 'sold' END, "
	"s.device_id, s.t_ms, s.price_cents, s.channel, NULL, 0 FROM sale s "
	"WHERE s.t_ms >= ?1 AND s.t_ms < ?2 "
	/* Devices sent to recycling, kept for parts, set aside in quarantine (once each). */
	"UNION ALL SELECT e.to_state, e.device_id, MIN(e.t_ms), 0, NULL, NULL, 0 "
	"FROM device_event e WHERE e.to_state IN ('recycled', 'parts', 'quarantine') "
	"AND e.t_ms >= ?1 AND e.t_ms < ?2 GROUP BY e.device_id, e.to_state "
	/* Jobs approved in the period, with their checklist. */
	"UNION ALL SELECT 'approved', j.device_id, g.t_ms, 0, j.checklist_id, NULL, j.trainee_id "
	"FROM job j JOIN grade g ON g.job_id = j.id WHERE " APPROVED " "
	"AND g.t_ms >= ?1 AND g.t_ms < ?2 "
	/* First grades given in the period: 1 when they approved. */
	"UNION ALL SELECT 'graded', j.device_id, g.t_ms, "
	"CASE g.verdict WHEN 'approved' THEN 1 ELSE 0 END, j.checklist_id, NULL, j.trainee_id "
	"FROM grade g JOIN job j ON j.id = g.job_id "
	"WHERE g.id = (SELECT MIN(id) FROM grade WHERE job_id = g.job_id) "
	"AND g.t_ms >= ?1 AND g.t_ms < ?2 "
	/* The parts in the jobs approved in the period: each step's last record. */
	"UNION ALL SELECT 'fitted', j.device_id, g.t_ms, 0, j.checklist_id, s.parts, 0 "
	"FROM job j JOIN grade g ON g.job_id = j.id JOIN step_record s ON s.job_id = j.id "
	"WHERE " APPROVED " AND g.t_ms >= ?1 AND g.t_ms < ?2 AND s.parts IS NOT NULL "
	"AND s.result <> 'skip' AND s.seq = (SELECT MAX(seq) FROM step_record "
	"WHERE job_id = s.job_id AND step_id = s.step_id) "
	/* Time on the steps by trainees, per trainee and hour (t_ms: the hour's start). */
	"UNION ALL SELECT 'bench', 0, (s.t_ms / 3600000) * 3600000, "
	"CAST(SUM(s.spent_ms) AS BIGINT), NULL, NULL, "
	"s.user_id FROM step_record s JOIN app_user u ON u.id = s.user_id "
	"WHERE u.role = 'trainee' AND s.t_ms >= ?1 AND s.t_ms < ?2 "
	"GROUP BY s.user_id, s.t_ms / 3600000 "
	/* Competences signed off. */
	"UNION ALL SELECT 'signoff', 0, o.t_ms, 0, o.competence, NULL, o.user_id FROM signoff o "
	"WHERE o.t_ms >= ?1 AND o.t_ms < ?2";

enum store_err store_programme_rows(struct store *st, long long from_ms, long long to_ms,
				    int (*row)(const struct store_programme_row *r, void *ctx),
				    void *ctx)
{
	struct db_stmt *stmt = NULL;
	enum store_err err;
	int begun = 0, more = 0;

	err = store_read_begin(st, &begun);
	if (err)
		return err;
	err = db_prepare(st, sql, &stmt);
	if (!err) {
		db_bind_int64(stmt, 1, from_ms);
		db_bind_int64(stmt, 2, to_ms);
		while (!(err = db_step(stmt, &more)) && more) {
			struct store_programme_row r;

			memset(&r, 0, sizeof(r));
			db_col_copy(stmt, 0, r.kind, sizeof(r.kind));
			r.device_id = db_col_int64(stmt, 1);
			r.t_ms = db_col_int64(stmt, 2);
			r.n = db_col_int64(stmt, 3);
			r.text = db_col_text(stmt, 4);
			r.extra = db_col_text(stmt, 5);
			r.user_id = db_col_int64(stmt, 6);
			if (!row(&r, ctx)) {
				err = STORE_EINTERNAL;
				break;
			}
		}
	}
	db_done(stmt);
	store_read_end(st, begun);
	return err;
}
