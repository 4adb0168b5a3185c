-- Live output streams (SSE on GET /v1/commands/{id}/output) sleep until something changes instead of polling. Every
-- stored output chunk and every status change of a command NOTIFYs the command's id on crownest_command_output, so a
-- stream served by any instance wakes at once, whichever instance (or reconciliation) wrote the change. Delivered on
-- commit: a woken reader sees the row.
CREATE FUNCTION command_output_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('crownest_command_output', NEW.command_id);
    RETURN NULL;
END
$$;

CREATE TRIGGER command_output_notify
    AFTER INSERT ON command_output
    FOR EACH ROW EXECUTE FUNCTION command_output_notify();

CREATE FUNCTION sandbox_commands_notify_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('crownest_command_output', NEW.id);
    RETURN NULL;
END
$$;

CREATE TRIGGER sandbox_commands_notify_status
    AFTER UPDATE OF status ON sandbox_commands
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION sandbox_commands_notify_status();
