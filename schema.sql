-- harvester schema, generated from harvester_cli/store/tables.py by
-- `harvester init --print-sql --dialect postgresql`. Do not edit by hand.

CREATE TABLE IF NOT EXISTS api_usage (
	day VARCHAR(10) NOT NULL, 
	source VARCHAR(16) NOT NULL, 
	requests INTEGER DEFAULT '0' NOT NULL, 
	updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	discovery_requests INTEGER DEFAULT '0' NOT NULL, 
	harvesting_requests INTEGER DEFAULT '0' NOT NULL, 
	PRIMARY KEY (day, source)
);

CREATE TABLE IF NOT EXISTS dead_letter_queue (
	id BIGSERIAL NOT NULL, 
	job_type VARCHAR(16) NOT NULL, 
	item_key VARCHAR(128) NOT NULL, 
	payload TEXT NOT NULL, 
	status VARCHAR(16) DEFAULT 'pending' NOT NULL, 
	attempts INTEGER DEFAULT '1' NOT NULL, 
	error_type VARCHAR(64), 
	error TEXT, 
	run_id BIGINT, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	resolved_at TIMESTAMP WITHOUT TIME ZONE, 
	PRIMARY KEY (id)
);

CREATE INDEX IF NOT EXISTS ix_dlq_status ON dead_letter_queue (status, created_at);

CREATE UNIQUE INDEX IF NOT EXISTS ux_dlq_open_item ON dead_letter_queue (job_type, item_key) WHERE status = 'pending';

CREATE TABLE IF NOT EXISTS digest_posts (
	window_start TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	window_end TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	token VARCHAR(64) NOT NULL, 
	claim_expires_at TIMESTAMP WITHOUT TIME ZONE, 
	posted_at TIMESTAMP WITHOUT TIME ZONE, 
	summary TEXT, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (window_start, window_end)
);

CREATE TABLE IF NOT EXISTS discovery_scans (
	fingerprint VARCHAR(32) NOT NULL, 
	day VARCHAR(10) NOT NULL, 
	source VARCHAR(16) NOT NULL, 
	query TEXT DEFAULT '{}' NOT NULL, 
	state VARCHAR(16) DEFAULT 'pending' NOT NULL, 
	passes INTEGER DEFAULT '0' NOT NULL, 
	pages INTEGER DEFAULT '0' NOT NULL, 
	candidates INTEGER DEFAULT '0' NOT NULL, 
	promoted INTEGER DEFAULT '0' NOT NULL, 
	new_videos INTEGER DEFAULT '0' NOT NULL, 
	restarts INTEGER DEFAULT '0' NOT NULL, 
	cursor BIGINT, 
	search_id TEXT, 
	pass_started_at TIMESTAMP WITHOUT TIME ZONE, 
	claimed_by BIGINT, 
	claim_expires_at TIMESTAMP WITHOUT TIME ZONE, 
	completed_at TIMESTAMP WITHOUT TIME ZONE, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (fingerprint, day)
);

CREATE INDEX IF NOT EXISTS ix_discovery_scans_day ON discovery_scans (day);

CREATE TABLE IF NOT EXISTS domains (
	domain VARCHAR(253) NOT NULL, 
	first_seen TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	last_seen TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	first_extracted_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (domain)
);

CREATE INDEX IF NOT EXISTS ix_domains_first_extracted ON domains (first_extracted_at);

CREATE INDEX IF NOT EXISTS ix_domains_first_seen ON domains (first_seen);

CREATE TABLE IF NOT EXISTS job_status (
	id BIGSERIAL NOT NULL, 
	job_type VARCHAR(16) NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	started_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	finished_at TIMESTAMP WITHOUT TIME ZONE, 
	heartbeat_at TIMESTAMP WITHOUT TIME ZONE, 
	deadline_at TIMESTAMP WITHOUT TIME ZONE, 
	host VARCHAR(255), 
	pid INTEGER, 
	slot INTEGER, 
	token VARCHAR(64), 
	lock_ref TEXT, 
	params TEXT, 
	items_ok INTEGER DEFAULT '0' NOT NULL, 
	items_failed INTEGER DEFAULT '0' NOT NULL, 
	duration_seconds FLOAT, 
	error_type VARCHAR(64), 
	error TEXT, 
	PRIMARY KEY (id)
);

CREATE INDEX IF NOT EXISTS ix_job_status_status ON job_status (status);

CREATE INDEX IF NOT EXISTS ix_job_status_type_started ON job_status (job_type, started_at);

CREATE TABLE IF NOT EXISTS system_config (
	key VARCHAR(128) NOT NULL, 
	value TEXT NOT NULL, 
	description TEXT, 
	updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	updated_by VARCHAR(128), 
	PRIMARY KEY (key)
);

CREATE TABLE IF NOT EXISTS system_logs (
	id BIGSERIAL NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	level VARCHAR(8) NOT NULL, 
	job_type VARCHAR(16), 
	run_id BIGINT, 
	event VARCHAR(64) NOT NULL, 
	message TEXT NOT NULL, 
	details TEXT, 
	PRIMARY KEY (id)
);

CREATE INDEX IF NOT EXISTS ix_system_logs_created ON system_logs (created_at);

CREATE TABLE IF NOT EXISTS videos (
	id BIGINT NOT NULL, 
	source VARCHAR(16) NOT NULL, 
	username TEXT, 
	description TEXT, 
	hashtags TEXT DEFAULT '[]' NOT NULL, 
	region_code VARCHAR(8), 
	video_tag TEXT, 
	created_at TIMESTAMP WITHOUT TIME ZONE, 
	promoted_reason TEXT NOT NULL, 
	discovered_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	last_seen_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	harvest_state VARCHAR(16) DEFAULT 'queued' NOT NULL, 
	harvest_attempts INTEGER DEFAULT '0' NOT NULL, 
	claimed_by BIGINT, 
	claim_expires_at TIMESTAMP WITHOUT TIME ZONE, 
	harvested_at TIMESTAMP WITHOUT TIME ZONE, 
	comment_pages INTEGER DEFAULT '0' NOT NULL, 
	comment_cursor BIGINT, 
	comment_count BIGINT, 
	last_error TEXT, 
	PRIMARY KEY (id)
);

CREATE INDEX IF NOT EXISTS ix_videos_claimed_by ON videos (claimed_by);

CREATE INDEX IF NOT EXISTS ix_videos_harvest_queue ON videos (harvest_state, discovered_at);

CREATE TABLE IF NOT EXISTS comments (
	id BIGINT NOT NULL, 
	video_id BIGINT NOT NULL, 
	parent_comment_id BIGINT, 
	text TEXT DEFAULT '' NOT NULL, 
	like_count BIGINT, 
	reply_count BIGINT, 
	created_at TIMESTAMP WITHOUT TIME ZONE, 
	harvested_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	extracted_at TIMESTAMP WITHOUT TIME ZONE, 
	PRIMARY KEY (id), 
	FOREIGN KEY(video_id) REFERENCES videos (id) ON DELETE CASCADE
);

CREATE INDEX IF NOT EXISTS ix_comments_harvested_at ON comments (harvested_at);

CREATE INDEX IF NOT EXISTS ix_comments_pending ON comments (id) WHERE extracted_at IS NULL;

CREATE INDEX IF NOT EXISTS ix_comments_video ON comments (video_id);

CREATE TABLE IF NOT EXISTS domain_mentions (
	comment_id BIGINT NOT NULL, 
	domain VARCHAR(253) NOT NULL, 
	video_id BIGINT NOT NULL, 
	written TEXT NOT NULL, 
	seen_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	link TEXT, 
	PRIMARY KEY (comment_id, domain), 
	FOREIGN KEY(comment_id) REFERENCES comments (id) ON DELETE CASCADE, 
	FOREIGN KEY(domain) REFERENCES domains (domain)
);

CREATE INDEX IF NOT EXISTS ix_domain_mentions_domain ON domain_mentions (domain, seen_at);

CREATE INDEX IF NOT EXISTS ix_domain_mentions_link ON domain_mentions (domain, link, seen_at, video_id);

CREATE INDEX IF NOT EXISTS ix_domain_mentions_link_pending ON domain_mentions (comment_id) WHERE link IS NULL;

CREATE INDEX IF NOT EXISTS ix_domain_mentions_seen ON domain_mentions (seen_at);

CREATE INDEX IF NOT EXISTS ix_domain_mentions_video ON domain_mentions (video_id);

CREATE INDEX IF NOT EXISTS ix_domain_mentions_window ON domain_mentions (seen_at, domain, video_id);
