package engine

// Datasets lists the datasets the engine's ledger has ever held entries of.
func (e *Engine) Datasets() []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return append([]string(nil), e.l.dss.names...)
}
