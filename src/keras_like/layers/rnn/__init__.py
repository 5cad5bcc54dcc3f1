"""Recurrent layers: cells, the RNN loop over time, and the fused LSTM/GRU/SimpleRNN layers."""
