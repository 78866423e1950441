/* The event log behind `volt events` (events.c): volt has no daemon to ask,
 * so the state database's changes append one JSON line each, docker's
 * event shape, to $VOLT_ROOT/events.jsonl. */
#ifndef VOLT_STATE_EVENTS_H
#define VOLT_STATE_EVENTS_H

/* volt_events_root - where the log lives ($VOLT_ROOT; set when the state
 * database opens). The string is copied. */
void volt_events_root(const char *root);
/* volt_event - append {Type, Action, Actor{ID, Attributes}, time, timeNano};
 * attrs are key/value pairs up to a NULL key (a NULL value is left out).
 * Best effort: an event that cannot be written is dropped, the change it
 * reports is not undone. */
void volt_event(const char *type, const char *action, const char *id, ...);
/* volt_events_path - the log's path (malloc'd) under root */
char *volt_events_path(const char *root);

#endif
