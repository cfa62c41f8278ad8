/*
 * The babeltrace2 graph of trace-stats. Event classes are resolved to
 * record types once (a small cache keyed by the class pointer), then each
 * event costs a few field look-ups by name: flags and the type's code field
 * (its name comes from NESTLAB_TRACE_EVENTS, like the provider's).
 */
#include "trace_read.h"

#include <babeltrace2/babeltrace.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace_record.h"

#define TRACE_READ_CLASSES 64
#define TRACE_TYPE_LOST    0xffffu
#define TRACE_TYPE_OTHER   0xfffeu

struct trace_read_ctx {
	struct trace_tally *t;
	bt_message_iterator *it;
	struct {
		const bt_event_class *cls;
		uint32_t type;
	} cache[TRACE_READ_CLASSES];
	unsigned ncache;
};

static uint32_t trace_read_type(struct trace_read_ctx *c, const bt_event_class *cls)
{
	const char *name;
	uint32_t type;

	for (unsigned i = 0; i < c->ncache; i++)
		if (c->cache[i].cls == cls)
			return c->cache[i].type;
	name = bt_event_class_get_name(cls);
	if (name && !strcmp(name, "nestlab:lost"))
		type = TRACE_TYPE_LOST;
	else if (name && !strncmp(name, "nestlab:", 8) && trace_type_by_name(name + 8))
		type = trace_type_by_name(name + 8);
	else
		type = TRACE_TYPE_OTHER;
	if (c->ncache < TRACE_READ_CLASSES) {
		c->cache[c->ncache].cls = cls;
		c->cache[c->ncache++].type = type;
	}
	return type;
}

static uint64_t trace_read_u64(const bt_field *payload, const char *name)
{
	const bt_field *f = bt_field_structure_borrow_member_field_by_name_const(payload, name);

	if (!f || !bt_field_class_type_is(bt_field_get_class_type(f),
					  BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
		return 0;
	return bt_field_integer_unsigned_get_value(f);
}

static void trace_read_event(struct trace_read_ctx *c, const bt_message *msg)
{
	const bt_event *ev = bt_message_event_borrow_event_const(msg);
	const bt_field *pl = bt_event_borrow_payload_field_const(ev);
	uint32_t type = trace_read_type(c, bt_event_borrow_class_const(ev));
	const struct trace_type_info *ti;

	if (type == TRACE_TYPE_OTHER || !pl) {
		c->t->other_events++;
		return;
	}
	if (type == TRACE_TYPE_LOST) {
		trace_tally_lost(c->t, (uint32_t)trace_read_u64(pl, "producer"),
				 trace_read_u64(pl, "dropped"), trace_read_u64(pl, "rejected"),
				 trace_read_u64(pl, "resyncs"));
		return;
	}
	ti = trace_type_info(type);
	trace_tally_event(c->t, type, (uint8_t)trace_read_u64(pl, "flags"),
			  ti->code[0] ? trace_read_u64(pl, ti->code) : 0);
}

static bt_graph_simple_sink_component_initialize_func_status
trace_read_init(bt_message_iterator *it, void *data)
{
	((struct trace_read_ctx *)data)->it = it;
	return BT_GRAPH_SIMPLE_SINK_COMPONENT_INITIALIZE_FUNC_STATUS_OK;
}

static bt_graph_simple_sink_component_consume_func_status
trace_read_consume(bt_message_iterator *it, void *data)
{
	struct trace_read_ctx *c = data;
	bt_message_array_const msgs;
	uint64_t n;

	switch (bt_message_iterator_next(it, &msgs, &n)) {
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
		break;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
	default:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
	}
	for (uint64_t i = 0; i < n; i++) {
		const bt_message *m = msgs[i];
		uint64_t count;

		switch (bt_message_get_type(m)) {
		case BT_MESSAGE_TYPE_EVENT:
			trace_read_event(c, m);
			break;
		case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
			if (bt_message_discarded_events_get_count(m, &count) ==
			    BT_PROPERTY_AVAILABILITY_AVAILABLE)
				c->t->discarded += count;
			else
				c->t->discarded_unknown++;
			break;
		default:
			break;
		}
		bt_message_put_ref(m);
	}
	return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
}

static const void *trace_read_class(const char *plugin_name, const char *cls, int source,
				    const bt_plugin **plugin)
{
	if (bt_plugin_find(plugin_name, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, plugin) !=
	    BT_PLUGIN_FIND_STATUS_OK)
		return NULL;
	return source ? (const void *)bt_plugin_borrow_source_component_class_by_name_const(*plugin, cls)
		      : (const void *)bt_plugin_borrow_filter_component_class_by_name_const(*plugin, cls);
}

/* The first error cause's message, if any. */
static const char *trace_read_cause(void)
{
	const bt_error *e = bt_current_thread_take_error();
	static char msg[300];

	msg[0] = '\0';
	if (e) {
		if (bt_error_get_cause_count(e)) {
			const bt_error_cause *c = bt_error_borrow_cause_by_index(e, 0);

			snprintf(msg, sizeof(msg), "%s", bt_error_cause_get_message(c));
		}
		bt_error_release(e);
	}
	return msg;
}

/* Directories under the walk's root holding a CTF "metadata" file. */
static bt_value *trace_read_found;
static int trace_read_found_n;

static int trace_read_visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	size_t n = strlen(path);
	char *d;

	if (flag != FTW_F || n < 9 || strcmp(path + n - 9, "/metadata"))
		return 0;
	d = strndup(path, n - 9);
	if (!d || bt_value_array_append_string_element(trace_read_found, d)) {
		free(d);
		return -1;
	}
	free(d);
	trace_read_found_n++;
	return 0;
}

int trace_read(const char *dir, struct trace_tally *t, char *err, size_t errlen)
{
	struct trace_read_ctx c = { .t = t };
	const bt_plugin *ctf = NULL, *utils = NULL;
	const bt_component_class_source *src_cls;
	const bt_component_class_filter *mux_cls;
	const bt_component_source *src = NULL;
	const bt_component_filter *mux = NULL;
	const bt_component_sink *sink = NULL;
	bt_graph *g = NULL;
	bt_value *params = NULL, *inputs = NULL;
	bt_graph_run_status st;
	int rc = -1;

	src_cls = trace_read_class("ctf", "fs", 1, &ctf);
	mux_cls = trace_read_class("utils", "muxer", 0, &utils);
	if (!src_cls || !mux_cls) {
		snprintf(err, errlen, "babeltrace2 plugins ctf/utils not found (install babeltrace2)");
		goto out;
	}
	bt_logging_set_global_level(BT_LOGGING_LEVEL_NONE);
	g = bt_graph_create(0);
	params = bt_value_map_create();
	if (!g || !params || bt_value_map_insert_empty_array_entry(params, "inputs", &inputs)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* LTTng writes DIR/ust/uid/<uid>/64-bit/{metadata,<channel>_<cpu>}: find the traces. */
	trace_read_found = inputs;
	trace_read_found_n = 0;
	if (nftw(dir, trace_read_visit, 16, FTW_PHYS) || !trace_read_found_n) {
		snprintf(err, errlen, "%s: no CTF trace there (no metadata file below it)", dir);
		goto out;
	}
	if (bt_graph_add_source_component(g, src_cls, "src", params, BT_LOGGING_LEVEL_NONE, &src)) {
		const char *why = trace_read_cause();

		snprintf(err, errlen, "%s: no CTF trace there%s%s", dir, *why ? ": " : "", why);
		goto out;
	}
	if (bt_graph_add_filter_component(g, mux_cls, "mux", NULL, BT_LOGGING_LEVEL_NONE, &mux) ||
	    bt_graph_add_simple_sink_component(g, "sink", trace_read_init, trace_read_consume,
					       NULL, &c, &sink)) {
		snprintf(err, errlen, "cannot build the babeltrace2 graph: %s", trace_read_cause());
		goto out;
	}
	for (uint64_t i = 0; i < bt_component_source_get_output_port_count(src); i++) {
		const bt_port_output *o = bt_component_source_borrow_output_port_by_index_const(src, i);
		const bt_port_input *in = bt_component_filter_borrow_input_port_by_index_const(mux, i);

		if (!in || bt_graph_connect_ports(g, o, in, NULL)) {
			snprintf(err, errlen, "cannot connect the trace streams: %s", trace_read_cause());
			goto out;
		}
	}
	if (bt_graph_connect_ports(g, bt_component_filter_borrow_output_port_by_index_const(mux, 0),
				   bt_component_sink_borrow_input_port_by_index_const(sink, 0), NULL)) {
		snprintf(err, errlen, "cannot connect the sink: %s", trace_read_cause());
		goto out;
	}
	do
		st = bt_graph_run(g);
	while (st == BT_GRAPH_RUN_STATUS_AGAIN);
	if (st != BT_GRAPH_RUN_STATUS_OK) {
		snprintf(err, errlen, "%s: reading the trace failed: %s", dir, trace_read_cause());
		goto out;
	}
	rc = 0;
out:
	bt_value_put_ref(params);
	bt_graph_put_ref(g);
	bt_plugin_put_ref(ctf);
	bt_plugin_put_ref(utils);
	return rc;
}
